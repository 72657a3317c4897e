using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>workspace/executeCommand</c>.</summary>
public sealed record ExecuteCommandParams(string Command, IReadOnlyList<JsonElement>? Arguments = null);
