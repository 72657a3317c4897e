using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Runs;

/// <summary>
/// What the controller needs to publish a service (<c>type: service</c>), resolved when the run was planned: the port
/// its replicas listen on, where its endpoint listens, the token rule, the replica range and the scaling rule, and the
/// model routes. docs/services.md describes each rule.
/// </summary>
public sealed record ServiceSpec
{
    /// <summary>The port each replica listens on (<c>port</c>'s container port): the first replica on a machine gets it.</summary>
    public required int Port { get; init; }

    /// <summary>The endpoint's local port; null for any free port (the URL says which).</summary>
    public int? LocalPort { get; init; }

    /// <summary>The address the endpoint listens on (<c>--host</c>; 127.0.0.1 by default).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary><c>auth</c>: requests need the user's service token.</summary>
    public bool Auth { get; init; } = true;

    /// <summary>The fewest replicas (<c>replicas</c>' lower bound, or its count); 0 lets the service scale to zero.</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>The most replicas (<c>replicas</c>' upper bound, or its count).</summary>
    public int MaxReplicas { get; init; } = 1;

    /// <summary><c>scaling.target</c>: requests per second per replica; null without scaling.</summary>
    public double? Target { get; init; }

    /// <summary><c>scaling.scale_up_delay</c> in seconds.</summary>
    public long ScaleUpDelay { get; init; } = 300;

    /// <summary><c>scaling.scale_down_delay</c> in seconds.</summary>
    public long ScaleDownDelay { get; init; } = 600;

    /// <summary>The model the endpoint serves an OpenAI-compatible API for; null without <c>model</c>.</summary>
    public ServiceModelSpec? Model { get; init; }

    /// <summary>The spec of a service configuration published on <paramref name="host"/>, its port mapped as <paramref name="port"/>.</summary>
    public static ServiceSpec Of(ServiceConfiguration service, PortMapping port, string host) => new()
    {
        Port = port.ContainerPort,
        LocalPort = EndpointPort(port),
        Host = host,
        Auth = service.Auth,
        MinReplicas = service.Replicas.Min ?? 0,
        MaxReplicas = service.Replicas.Max ?? service.Replicas.Min ?? 1,
        Target = service.Scaling is { } scaling && !service.Replicas.IsExact ? scaling.Target : null,
        ScaleUpDelay = service.Scaling?.ScaleUpDelay?.Seconds ?? 300,
        ScaleDownDelay = service.Scaling?.ScaleDownDelay?.Seconds ?? 600,
        Model = service.Model is { } model ? ServiceModelSpec.Of(model) : null,
    };

    /// <summary>
    /// The endpoint's port for a <c>port</c> mapping: its local port when one is written that is neither 80 (dstack's
    /// meaning of a bare <c>port: 8000</c>: its gateway's port) nor the container port (a replica on this machine
    /// listens there); otherwise null, any free port.
    /// </summary>
    public static int? EndpointPort(PortMapping port) =>
        port.LocalPort is { } local && local != 80 && local != port.ContainerPort ? local : null;

    /// <summary>The scaler of the replica range; null when the count is fixed.</summary>
    public Services.ServiceScaler? Scaler => Target is { } target && MinReplicas != MaxReplicas
        ? new Services.ServiceScaler(MinReplicas, MaxReplicas, target, TimeSpan.FromSeconds(ScaleUpDelay), TimeSpan.FromSeconds(ScaleDownDelay))
        : null;
}

/// <summary>A service's <c>model</c>, flat for the stored spec.</summary>
/// <param name="Name">The model name clients ask for.</param>
/// <param name="Format"><c>openai</c> or <c>tgi</c>.</param>
/// <param name="Prefix">openai: where the replica serves its API.</param>
/// <param name="ChatTemplate">tgi: the Jinja chat template; null for the default.</param>
/// <param name="EosToken">tgi: the end-of-sequence token.</param>
public sealed record ServiceModelSpec(string Name, string Format, string? Prefix = null, string? ChatTemplate = null, string? EosToken = null)
{
    /// <summary>The spec of a configuration's model.</summary>
    public static ServiceModelSpec Of(ServiceModel model) => model switch
    {
        TgiChatModel tgi => new ServiceModelSpec(tgi.Name, tgi.Format, null, tgi.ChatTemplate, tgi.EosToken),
        OpenAIChatModel openai => new ServiceModelSpec(openai.Name, openai.Format, openai.Prefix),
        _ => new ServiceModelSpec(model.Name, model.Format),
    };

    /// <summary>The configuration's model again, as the endpoint's routes take it.</summary>
    public ServiceModel ToModel() => Format == "tgi"
        ? new TgiChatModel { Name = Name, ChatTemplate = ChatTemplate, EosToken = EosToken }
        : new OpenAIChatModel { Name = Name, Prefix = Prefix ?? "/v1" };
}
