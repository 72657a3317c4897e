namespace Dstack.LanguageServer.Protocol;

/// <param name="CodeActionKinds">The kinds of action offered: only <c>quickfix</c>.</param>
/// <param name="ResolveProvider">False: every action comes with its edit.</param>
public sealed record CodeActionOptions(IReadOnlyList<string> CodeActionKinds, bool ResolveProvider);
