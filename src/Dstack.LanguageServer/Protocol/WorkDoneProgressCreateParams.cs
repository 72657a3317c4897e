using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>window/workDoneProgress/create</c>: the token the server will report progress under.</summary>
/// <param name="Token">An integer or a string, as LSP's <c>ProgressToken</c>.</param>
public sealed record WorkDoneProgressCreateParams(JsonElement Token);
