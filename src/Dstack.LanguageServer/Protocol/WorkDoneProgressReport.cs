namespace Dstack.LanguageServer.Protocol;

/// <summary>A <c>$/progress</c> value between begin and end.</summary>
/// <param name="Message">Replaces the message shown so far.</param>
/// <param name="Percentage">0 to 100.</param>
public sealed record WorkDoneProgressReport(string? Message = null, int? Percentage = null)
{
    public string Kind => "report";
}
