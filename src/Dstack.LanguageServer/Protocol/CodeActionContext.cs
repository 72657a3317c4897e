using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>
/// What the client knows at the range. Its diagnostics are kept as raw JSON and not used: the server recomputes them
/// from the text, so a client's stale or foreign diagnostic can neither break the request nor bring a wrong fix.
/// </summary>
/// <param name="Diagnostics">The client's diagnostics at the range.</param>
/// <param name="Only">The kinds of action wanted; null: any.</param>
/// <param name="TriggerKind">1 invoked, 2 automatic.</param>
public sealed record CodeActionContext(IReadOnlyList<JsonElement> Diagnostics, IReadOnlyList<string>? Only = null, int? TriggerKind = null);
