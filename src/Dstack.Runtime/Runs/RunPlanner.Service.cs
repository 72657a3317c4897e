using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Runs;

/// <summary>A service's endpoint and replicas, resolved from its configuration and the placement (docs/services.md).</summary>
public static partial class RunPlanner
{
    /// <summary>The variable that gives each replica the port to listen on.</summary>
    public const string ServicePortVariable = "DSTACK_SERVICE_PORT";

    /// <summary>
    /// The service's spec, with its port taken out of <paramref name="ports"/> (the controller's endpoint publishes it;
    /// the CLI forwards only the other <c>-p</c> ports); null for a task or dev environment. Warns about what is not
    /// available here (a gateway, HTTPS) and about replicas that share a machine but all listen on <c>port</c>.
    /// </summary>
    private static ServiceSpec? ServiceOf(RunConfiguration configuration, ref IReadOnlyList<PortMapping> ports, string host, Placement? placement, string script, ConfigurationDocument document, string display, List<Diagnostic> diagnostics)
    {
        if (configuration is not ServiceConfiguration service || service.Port is not { } written)
        {
            return null;
        }

        var port = ports.FirstOrDefault(p => p.ContainerPort == written.ContainerPort) ?? written;
        ports = [.. ports.Where(p => p.ContainerPort != written.ContainerPort)];
        var map = document.SourceMap;
        if (service.Gateway is { Name: { } gateway })
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.ServiceGatewayUnavailable, DiagnosticSeverity.Warning, $"gateway: there is no gateway here, so `{gateway}` is not used: the service is published on a local endpoint (http://{host}:PORT/) by the run's controller; remove `gateway` (or write `gateway: false`)", map?.ValueSpan(service, "gateway") ?? SourceSpan.FileStart, display));
        }

        if (service.Https && map?.EntryOf(service, "https") is not null)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.ServiceGatewayUnavailable, DiagnosticSeverity.Warning, "https: HTTPS needs a gateway, and there is none here: the local endpoint serves plain HTTP; remove `https` (or write `https: false`)", map.ValueSpan(service, "https"), display));
        }

        var spec = ServiceSpec.Of(service, port, host);
        var shared = placement?.Jobs.Count(o => o.JobsShareMachine) ?? 0;
        if (spec.MaxReplicas > 1 && shared > 1 && !script.Contains(ServicePortVariable, StringComparison.Ordinal))
        {
            var machine = placement!.Jobs.First(o => o.JobsShareMachine).ShownAs;
            diagnostics.Add(new Diagnostic(DiagnosticCodes.ServiceReplicasSharePort, DiagnosticSeverity.Warning, $"replicas: up to {spec.MaxReplicas} replicas run on one machine ({machine}), and only the first can listen on port {spec.Port}; the commands never read ${ServicePortVariable}, the port each replica gets: listen on it (such as `--port ${ServicePortVariable}`), or the other replicas fail to start", map?.ValueSpan(service, "replicas") ?? SourceSpan.FileStart, display));
        }

        return spec;
    }
}
