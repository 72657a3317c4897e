namespace Dstack.LanguageServer.Protocol;

/// <summary>The last <c>$/progress</c> value of a piece of work: the client stops showing it.</summary>
/// <param name="Message">How the work ended, shown briefly by some clients.</param>
public sealed record WorkDoneProgressEnd(string? Message = null)
{
    public string Kind => "end";
}
