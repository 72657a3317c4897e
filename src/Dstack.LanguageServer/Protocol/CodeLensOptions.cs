namespace Dstack.LanguageServer.Protocol;

/// <param name="ResolveProvider">False: every lens comes whole in the <c>textDocument/codeLens</c> answer.</param>
public sealed record CodeLensOptions(bool ResolveProvider);
