using System.Net;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Services;

/// <summary>How a <see cref="ServiceEndpoint"/> serves.</summary>
/// <param name="Name">The service's run name, for messages.</param>
/// <param name="Listen">The local address and port (0: any free port).</param>
/// <param name="Replicas">The replicas it balances across.</param>
/// <param name="Token">The bearer token every request must carry (<c>auth: true</c>); null publishes it open.</param>
public sealed record ServiceEndpointOptions(string Name, IPEndPoint Listen, ReplicaSet Replicas, string? Token)
{
    /// <summary>How long connecting to a replica may take before it counts as not answering.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a forwarded request may go without a byte either way (a streamed answer keeps it alive).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a request that arrives while no replica is in the set (the service starting, or scaled to zero) is held
    /// for one to join; zero answers 503 at once. After it, 503 with <c>Retry-After</c>.
    /// </summary>
    public TimeSpan HoldWhenNoReplica { get; init; } = TimeSpan.Zero;

    /// <summary>The service's <c>model:</c>: the endpoint also serves its OpenAI-compatible API (<see cref="ModelRoute"/>); null: none.</summary>
    public ServiceModel? Model { get; init; }
}
