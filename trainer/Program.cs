// nativecnn: the command-line front end of NativeCnn. Each command lives in Cli/.
using System.CommandLine;
using NativeCnn.Trainer.Cli;

var root = new RootCommand("NativeCnn: train and evaluate the published Keras facial-expression CNNs with a from-scratch C# engine")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    SummaryCommand.Create(),
    GradcheckCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
