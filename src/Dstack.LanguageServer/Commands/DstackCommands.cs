namespace Dstack.LanguageServer.Commands;

/// <summary>The commands this server runs through <c>workspace/executeCommand</c>; each takes the document's uri first.</summary>
public static class DstackCommands
{
    /// <summary><c>[uri, options?]</c>: the command line that runs the file in a terminal (the editor runs it; the server does not).</summary>
    public const string Run = "dstack.run";

    /// <summary><c>[uri, options?]</c>: the same answer as <see cref="Run"/>, for editors that want the line without a click.</summary>
    public const string RunCommandLine = "dstack.runCommandLine";

    /// <summary><c>[uri]</c>: checks the file as <c>dstack validate</c> does and publishes its diagnostics again.</summary>
    public const string Validate = "dstack.validate";

    /// <summary><c>[uri]</c>: the offers lens's summary and every candidate machine behind it.</summary>
    public const string Offers = "dstack.offers";

    public static IReadOnlyList<string> All { get; } = [Run, RunCommandLine, Validate, Offers];
}
