// nativecnn: the command-line front end of NativeCnn. The commands live in Cli/.
return NativeCnn.Trainer.Cli.CliApp.Run(args);
