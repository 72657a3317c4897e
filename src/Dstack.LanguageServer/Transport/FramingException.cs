namespace Dstack.LanguageServer.Transport;

/// <summary>
/// A frame that could not be read. When <see cref="CanContinue"/> is true the header was sound and the body was
/// skipped, so the next message can still be read; otherwise the stream is out of step and the connection is over.
/// </summary>
public sealed class FramingException(string message, bool canContinue) : Exception(message)
{
    /// <summary>True when the reader skipped the faulty message and stands at the start of the next one.</summary>
    public bool CanContinue { get; } = canContinue;
}
