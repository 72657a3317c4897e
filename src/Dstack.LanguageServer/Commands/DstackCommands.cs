namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The commands this server runs through <c>workspace/executeCommand</c>; each takes the document's uri first.
/// Only <see cref="Advertised"/> go into <c>executeCommandProvider</c>: VS Code's client turns every advertised command
/// into an editor command that forwards to the server, and <see cref="Run"/> and <see cref="ShowOffers"/>, the lens
/// commands, belong to the editor (the VS Code extension runs them in a terminal and a quick pick). A client without
/// them that sends them here still gets an answer: the command line, and the offers.
/// </summary>
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

    /// <summary><c>[uri]</c>: the offers lens's command; here the same answer as <see cref="Offers"/>.</summary>
    public const string ShowOffers = "dstack.showOffers";

    /// <summary>
    /// <c>[uri, url]</c>: the lens on a running service's URL, or a dev environment's IDE link. The editor opens it
    /// (the VS Code extension with <c>vscode.env.openExternal</c>); sent here, the server asks a client that supports
    /// <c>window/showDocument</c> to open it externally, and answers the URL.
    /// </summary>
    public const string OpenUrl = "dstack.openUrl";

    /// <summary><c>[uri, host]</c>: the lens on a dev environment's SSH host; the editor runs <c>ssh HOST</c> in a terminal. Sent here: the command line.</summary>
    public const string Ssh = "dstack.ssh";

    /// <summary>What <c>initialize</c> lists in <c>executeCommandProvider.commands</c>.</summary>
    public static IReadOnlyList<string> Advertised { get; } = [RunCommandLine, Validate, Offers];

    /// <summary>Every command this server answers.</summary>
    public static IReadOnlyList<string> All { get; } = [Run, RunCommandLine, Validate, Offers, ShowOffers, OpenUrl, Ssh];
}
