namespace Dstack.Runtime.Services;

/// <summary>
/// A <c>chat_template</c> that does not parse (thrown once, when the service's endpoint is made), or that failed while
/// rendering one request's messages (<see cref="Raised"/>: the template called <c>raise_exception</c>).
/// </summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException()
    {
    }

    public ChatTemplateException(string message)
        : base(message)
    {
    }

    public ChatTemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>A parse error at a place in the template (1-based).</summary>
    public ChatTemplateException(string message, int line, int column)
        : base($"chat_template line {line}, column {column}: {message}")
    {
        Line = line;
        Column = column;
    }

    /// <summary>The template's line of the error (1-based); 0 for a rendering error.</summary>
    public int Line { get; }

    /// <summary>The template's column of the error (1-based); 0 for a rendering error.</summary>
    public int Column { get; }

    /// <summary>True when the template itself refused the messages (<c>raise_exception('...')</c>): the caller's fault.</summary>
    public bool Raised { get; init; }
}
