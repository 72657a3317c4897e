using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs;

/// <summary>
/// How a service is planned: a job per replica (its most), its port taken out of the CLI's forwards, where its endpoint
/// listens, and the diagnostics of what cannot work here (replicas sharing this machine's port, a gateway, HTTPS, a
/// chat template that does not parse).
/// </summary>
[Trait("Category", "Fast")]
public sealed class ServicePlanTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-service-plan-" + Guid.NewGuid().ToString("N")[..12]);

    public ServicePlanTests() => Directory.CreateDirectory(Path.Combine(_root, "project"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Plan_ServiceWithAReplicaRange_HasAJobPerReplicaAtMost_AndTheEndpointOwnsItsPort()
    {
        var plan = Plan("type: service\nport: \"8080:8000\"\nreplicas: 1..3\nscaling: {metric: rps, target: 10, scale_up_delay: 30s}\ncommands: [python3 -m http.server $DSTACK_SERVICE_PORT]\n");

        Assert.True(plan.CanRun, string.Join("\n", plan.Diagnostics));
        var spec = plan.Spec!;
        Assert.Equal(3, spec.Nodes);
        Assert.Equal(3, spec.Placements.Count);
        Assert.Empty(plan.Ports);
        Assert.Empty(spec.Ports);
        var service = spec.Service!;
        Assert.Equal((8000, 8080, "127.0.0.1", true), (service.Port, service.LocalPort, service.Host, service.Auth));
        Assert.Equal((1, 3, 10.0, 30L, 600L), (service.MinReplicas, service.MaxReplicas, service.Target, service.ScaleUpDelay, service.ScaleDownDelay));
        Assert.NotNull(service.Scaler);
        Assert.DoesNotContain(plan.Diagnostics, d => d.Code == DiagnosticCodes.ServiceReplicasSharePort);
        // The spec survives the state store.
        Assert.Equal(service, RunSpec.FromJson(spec.WithoutSecrets().ToJson()).Service);
    }

    [Theory]
    [InlineData("port: 8000", null)]
    [InlineData("port: \"8000:8000\"", null)]
    [InlineData("port: \"9090:8000\"", 9090)]
    public void Plan_EndpointPort_IsTheWrittenLocalPort_OrAFreeOne(string port, int? expected)
    {
        var plan = Plan($"type: service\n{port}\nauth: false\ncommands: [python3 app.py]\n");

        Assert.Equal(expected, plan.Spec!.Service!.LocalPort);
        Assert.Equal(8000, plan.Spec.Service.Port);
        Assert.False(plan.Spec.Service.Auth);
    }

    [Fact]
    public void Plan_PortOption_ChoosesTheEndpointsPort_AndHostItsAddress()
    {
        var plan = Plan("type: service\nport: 8000\ncommands: [python3 app.py]\n", new RunOverrides { Ports = ["7070:8000"], Host = "0.0.0.0" });

        Assert.Equal((7070, "0.0.0.0"), (plan.Spec!.Service!.LocalPort, plan.Spec.Service.Host));
        Assert.Empty(plan.Ports);
    }

    [Fact]
    public void Plan_ReplicasOnThisMachine_WhoseCommandsNeverReadTheirPort_AreWarned()
    {
        var plan = Plan("type: service\nport: 8000\nreplicas: 2\ncommands: [python3 -m http.server 8000]\n");

        Assert.True(plan.CanRun);
        var warning = Assert.Single(plan.Diagnostics, d => d.Code == DiagnosticCodes.ServiceReplicasSharePort);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("$DSTACK_SERVICE_PORT", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"replicas run on one machine (local ({System.Environment.MachineName}))", warning.Message, StringComparison.Ordinal);
        Assert.Equal(3, warning.Span.StartLine);
    }

    [Fact]
    public void Plan_GatewayAndHttps_AreWarnedAsNotAvailable_ButFalseIsSilent()
    {
        var set = Plan("type: service\nport: 8000\ngateway: my-gateway\nhttps: true\ncommands: [python3 app.py]\n");
        var off = Plan("type: service\nport: 8000\ngateway: false\nhttps: false\ncommands: [python3 app.py]\n");

        Assert.True(set.CanRun);
        Assert.Equal(2, set.Diagnostics.Count(d => d.Code == DiagnosticCodes.ServiceGatewayUnavailable && d.Severity == DiagnosticSeverity.Warning));
        Assert.Contains(set.Diagnostics, d => d.Message.Contains("`my-gateway` is not used", StringComparison.Ordinal));
        Assert.DoesNotContain(off.Diagnostics, d => d.Code == DiagnosticCodes.ServiceGatewayUnavailable);
    }

    [Fact]
    public void ChatTemplateThatDoesNotParse_IsAConfigurationError_AtItsValue_WithTheTemplatesPosition()
    {
        const string yaml = "type: service\nport: 8000\ncommands: [text-generation-launcher]\nmodel:\n  name: m\n  format: tgi\n  chat_template: \"{{ messages | title }}\"\n";

        var document = ConfigurationLoader.LoadText(".dstack.yml", yaml);
        var plan = Plan(yaml);

        var error = Assert.Single(document.Diagnostics, d => d.Code == DiagnosticCodes.InvalidChatTemplate);
        Assert.True(error.IsError);
        Assert.Equal(7, error.Span.StartLine);
        Assert.Contains("chat_template line 1, column", error.Message, StringComparison.Ordinal);
        Assert.False(plan.CanRun);
        Assert.Contains(plan.Diagnostics, d => d.Code == DiagnosticCodes.InvalidChatTemplate);
    }

    private RunPlan Plan(string yaml, RunOverrides? overrides = null)
    {
        File.WriteAllText(Path.Combine(_root, "project", ".dstack.yml"), yaml);
        var env = new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };
        return RunPlanner.Plan(new RunRequest(Path.Combine(_root, "project"), ".", null, overrides ?? new RunOverrides(), env, new DstackHome(Path.Combine(_root, "home"))));
    }
}
