namespace Dstack.LanguageServer.Protocol;

/// <summary>The parameters of <c>window/showDocument</c> (LSP 3.16): the client opens <paramref name="Uri"/>.</summary>
/// <param name="Uri">What to open: a service's <c>http://</c> URL, an IDE's <c>vscode://</c> link.</param>
/// <param name="External">True: in the browser or the application that handles the scheme, not in an editor tab.</param>
public sealed record ShowDocumentParams(string Uri, bool External);
