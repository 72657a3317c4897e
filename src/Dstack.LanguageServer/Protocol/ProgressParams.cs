using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>$/progress</c>.</summary>
/// <param name="Token">The token the progress belongs to: created by the server, or the client's <c>workDoneToken</c>.</param>
/// <param name="Value">A <see cref="WorkDoneProgressBegin"/>, <see cref="WorkDoneProgressReport"/> or <see cref="WorkDoneProgressEnd"/>.</param>
public sealed record ProgressParams(JsonElement Token, JsonElement Value);
