using System.ComponentModel;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A service: a long-running web app or model published on one port, optionally scaled over replicas.</summary>
[ConfigurationType("service")]
public sealed record ServiceConfiguration : RunConfiguration
{
    public override string Type => "service";

    [Description("The shell commands that start the service. Either `commands` or `image` is required.")]
    public IReadOnlyList<string> Commands { get; init; } = [];

    [Description("The port the replicas listen on ($DSTACK_SERVICE_PORT): 8000 (the endpoint on a free local port), \"8080:8000\" (the endpoint on 8080), or {local_port, container_port}.")]
    [System.ComponentModel.DataAnnotations.Required]
    [Example("port: 8000")]
    [DefaultLocalPort(80)]
    public PortMapping? Port { get; init; }

    [Description("The gateway to publish through, or false for none. There is no gateway here: a name is a warning, and the service is published on its local endpoint.")]
    public GatewayChoice? Gateway { get; init; }

    [Description("Strip the /proxy/services/<project>/<run> prefix before requests reach the service.")]
    [DefaultValue(true)]
    public bool StripPrefix { get; init; } = true;

    [Description("Publish the service as an OpenAI-compatible chat model: the model name, or {type: chat, name, format, prefix}.")]
    public ServiceModel? Model { get; init; }

    [Description("Serve over HTTPS through the gateway. There is no gateway here: `https: true` written is a warning, and the endpoint serves plain HTTP.")]
    [DefaultValue(true)]
    public bool Https { get; init; } = true;

    [Description("Require a dstack token to call the service.")]
    [DefaultValue(true)]
    public bool Auth { get; init; } = true;

    [Description("The number of replicas: 2, or a range such as 0..4 together with `scaling`.")]
    [DefaultValue("1")]
    public Range<int> Replicas { get; init; } = Range<int>.Exactly(1);

    [Description("Autoscaling rules for a replica range: {metric: rps, target, scale_up_delay, scale_down_delay}.")]
    public ScalingSpec? Scaling { get; init; }
}
