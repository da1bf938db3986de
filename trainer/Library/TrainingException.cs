namespace NativeCnn.Training;

/// <summary>
/// A training, evaluation or prediction that cannot go on for a reason the caller can fix: the
/// model's classes are not the data's, a run folder already holds a finished run, a run to resume
/// was started with other settings, its files do not fit together. The message is one sentence
/// that names the file, class or value at fault.
/// </summary>
public sealed class TrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file or value.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public TrainingException(string message, Exception? inner = null) : base(message, inner) { }
}
