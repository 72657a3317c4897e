using System.Text.Json;
using System.Text.Json.Serialization;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Compile-time JSON for what the front end and the controller exchange (the stored spec, the start message): no
/// reflection at run time, which keeps the controller's start short.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(RetryEventJsonConverter)])]
[JsonSerializable(typeof(RunSpec))]
[JsonSerializable(typeof(Offers.Offer))]
[JsonSerializable(typeof(ControllerStartMessage))]
[JsonSerializable(typeof(ControllerSecretsPayload))]
internal sealed partial class RunJsonContext : JsonSerializerContext;

/// <summary>Retry events as dstack writes them: no-capacity, interruption, error.</summary>
internal sealed class RetryEventJsonConverter() : JsonStringEnumConverter<RetryEvent>(JsonNamingPolicy.KebabCaseLower);

/// <summary>The environment values and secrets of <see cref="ControllerSecrets"/> as sent.</summary>
internal sealed record ControllerSecretsPayload(IReadOnlyDictionary<string, string> Env, IReadOnlyList<string> Secrets, string? RegistryPassword = null);
