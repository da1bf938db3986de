// Entry point of the nativecnn command-line program; the commands are wired up in Cli/.
return 0;
