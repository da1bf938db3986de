namespace NativeCnn.Trainer.Training;

/// <summary>A user error at the command line (bad option, missing data, mismatched classes): printed as one clear message, exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
