using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>
/// The parts of <c>initialize</c>'s params this server reads. The spec requires <c>processId</c> and
/// <c>capabilities</c>, but clients differ; nothing here is needed to serve, so every member is optional.
/// </summary>
public sealed record InitializeParams(
    int? ProcessId = null,
    ClientInfo? ClientInfo = null,
    string? RootUri = null,
    JsonElement? Capabilities = null,
    JsonElement? InitializationOptions = null);
