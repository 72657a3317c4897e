using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class ServiceConfigurationTests
{
    private const string Service = "type: service\nport: 8000\ncommands: [a]\n";

    // The property is on line 4.
    [Theory]
    [InlineData("gateway: true", DiagnosticCodes.InvalidService, 10, 14, "The `gateway` property must be a string or boolean `false`, not boolean `true`")]
    [InlineData("gateway: yes", DiagnosticCodes.InvalidService, 10, 13, "not boolean `true`")]
    [InlineData("replicas: 1..4", DiagnosticCodes.InvalidService, 11, 15, "When you set `replicas` to a range, ensure to specify `scaling`.")]
    [InlineData("replicas: 2..", DiagnosticCodes.InvalidService, 11, 14, "The maximum number of replicas is required")]
    [InlineData("replicas: 4..1", DiagnosticCodes.InvalidRangeOrder, 11, 15, "Invalid range order: 4..1")]
    [InlineData("replicas: -1", DiagnosticCodes.SuspiciousNumber, 11, 13, "negative count")]
    [InlineData("replicas: 1.5", DiagnosticCodes.SuspiciousNumber, 11, 14, "not a whole number")]
    [InlineData("scaling: {metric: rps, target: 10}", DiagnosticCodes.InvalidService, 1, 8, "To use `scaling`, `replicas` must be set to a range.")]
    [InlineData("ports: [8080]", DiagnosticCodes.UnknownProperty, 1, 6, "it belongs to `type: task` and `type: dev-environment`")]
    [InlineData("https: maybe", DiagnosticCodes.WrongType, 8, 13, "true or false")]
    [InlineData("nodes: 2", DiagnosticCodes.UnknownProperty, 1, 6, "`type: task`")]
    [InlineData("model: {format: openai}", DiagnosticCodes.MissingProperty, 8, 8, "`name` is required")]
    public void Service_InvalidProperty_IsReportedAtTheExactColumns(string line, string code, int column, int endColumn, string message)
    {
        var error = Error(Service + line + "\n", code, 4, column, endColumn);

        Mentions(error, message);
    }

    [Fact]
    public void Service_ScalingWithoutTarget_IsMissingTarget()
    {
        var document = Load(Service + "replicas: 0..4\nscaling:\n  metric: rps\n");

        var error = Single(document, DiagnosticCodes.MissingProperty);
        Mentions(error, "`target` is required");
    }

    [Theory]
    [InlineData("replicas: 2", 2, 2)]
    [InlineData("replicas: '3'", 3, 3)]
    [InlineData("replicas: 0..4\nscaling: {metric: rps, target: 10}", 0, 4)]
    [InlineData("replicas: {min: 1, max: 3}\nscaling:\n  metric: rps\n  target: 2.5\n  scale_up_delay: 1m", 1, 3)]
    public void Service_ValidReplicas_AreKept(string lines, int min, int max)
    {
        var service = Assert.IsType<ServiceConfiguration>(Clean(Service + lines + "\n").Model);

        Assert.Equal(new Range<int>(min, max), service.Replicas);
    }

    [Fact]
    public void Service_Scaling_HasDstackDelayDefaults()
    {
        var service = Assert.IsType<ServiceConfiguration>(Clean(Service + "replicas: 1..2\nscaling: {metric: rps, target: 10}\n").Model);

        Assert.Equal(ScalingMetric.Rps, service.Scaling!.Metric);
        Assert.Equal(10, service.Scaling.Target);
        Assert.Equal(new Duration(300), service.Scaling.ScaleUpDelay);
        Assert.Equal(new Duration(600), service.Scaling.ScaleDownDelay);
    }

    [Theory]
    [InlineData("gateway: false", "false")]
    [InlineData("gateway: my-gateway", "\"my-gateway\"")]
    [InlineData("model: meta-llama/Llama-3-8B", "{\"type\":\"chat\",\"name\":\"meta-llama/Llama-3-8B\",\"format\":\"openai\",\"prefix\":\"/v1\"}")]
    [InlineData("model: {name: llama, format: tgi}", "{\"type\":\"chat\",\"name\":\"llama\",\"format\":\"tgi\",\"chat_template\":null,\"eos_token\":null}")]
    [InlineData("auth: false", "false")]
    [InlineData("strip_prefix: false", "false")]
    public void Service_ValidProperty_IsNormalized(string line, string expectedJson)
    {
        var document = Clean(Service + line + "\n");
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        Assert.Equal(expectedJson, json.RootElement.GetProperty(key).GetRawText());
    }

    [Fact]
    public void Service_Defaults_AreDstackDefaults()
    {
        var service = Assert.IsType<ServiceConfiguration>(Clean(Service).Model);

        Assert.True(service.Https);
        Assert.True(service.Auth);
        Assert.True(service.StripPrefix);
        Assert.Equal(Range<int>.Exactly(1), service.Replicas);
        Assert.Null(service.Gateway);
    }

    [Fact]
    public void Service_CommandsInterpolation_IsChecked()
    {
        var error = Error("type: service\nport: 8000\ncommands:\n  - serve ${{ run.model }}\n", DiagnosticCodes.UnknownReference, 4, 11, 27);

        Mentions(error, "['run.model']");
    }
}
