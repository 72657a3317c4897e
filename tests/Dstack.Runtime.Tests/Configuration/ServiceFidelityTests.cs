using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;
using static Dstack.Runtime.Tests.Configuration.DstackFidelityTests;

namespace Dstack.Runtime.Tests.Configuration;

/// <summary>
/// A service's `model`, `port`, `replicas`, `scaling` and `auth` as dstack 0.18.44 reads them: the model object has one
/// shape per `format` (openai: prefix; tgi: chat_template, eos_token), a service port takes no "*:", scaling names its metric.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ServiceFidelityTests
{
    private const string Service = "type: service\nport: 8000\ncommands: [a]\n";

    [Theory]
    [InlineData("model: llama", "{\"type\":\"chat\",\"name\":\"llama\",\"format\":\"openai\",\"prefix\":\"/v1\"}")]
    [InlineData("model: {name: llama, format: openai}", "{\"type\":\"chat\",\"name\":\"llama\",\"format\":\"openai\",\"prefix\":\"/v1\"}")]
    [InlineData("model: {type: chat, name: llama, format: openai, prefix: /api/v1}", "{\"type\":\"chat\",\"name\":\"llama\",\"format\":\"openai\",\"prefix\":\"/api/v1\"}")]
    [InlineData("model: {name: llama, format: tgi}", "{\"type\":\"chat\",\"name\":\"llama\",\"format\":\"tgi\",\"chat_template\":null,\"eos_token\":null}")]
    [InlineData("model: {name: llama, format: tgi, chat_template: '{{ x }}', eos_token: '</s>'}", "{\"type\":\"chat\",\"name\":\"llama\",\"format\":\"tgi\",\"chat_template\":\"{{ x }}\",\"eos_token\":\"</s>\"}")]
    public void Model_EachFormat_IsNormalizedInItsOwnShape(string line, string expectedJson)
    {
        Assert.Equal(expectedJson, JsonAt(Service + line + "\n", "model"));
    }

    [Theory]
    [InlineData("port: 8000", "{\"local_port\":80,\"container_port\":8000}")]
    [InlineData("port: \"8000\"", "{\"local_port\":80,\"container_port\":8000}")]
    [InlineData("port: \"80:8000\"", "{\"local_port\":80,\"container_port\":8000}")]
    [InlineData("port: {container_port: 8000}", "{\"local_port\":null,\"container_port\":8000}")]
    [InlineData("port: {local_port: 8080, container_port: 8000}", "{\"local_port\":8080,\"container_port\":8000}")]
    public void Port_DstacksForms_AreNormalized(string line, string expectedJson)
    {
        Assert.Equal(expectedJson, JsonAt("type: service\ncommands: [a]\n" + line + "\n", "port"));
    }

    [Theory]
    [InlineData("auth: y", "true")]
    [InlineData("auth: F", "false")]
    [InlineData("https: 'no'", "false")]
    [InlineData("replicas: 0", "{\"min\":0,\"max\":0}")]
    [InlineData("replicas: 2.0", "{\"min\":2,\"max\":2}")]
    [InlineData("replicas: 0..2\nscaling: {metric: rps, target: 0.5}", "{\"min\":0,\"max\":2}")]
    public void ServiceValue_AsDstackReadsIt_IsNormalized(string lines, string expectedJson)
    {
        var key = lines[..lines.IndexOf(':', StringComparison.Ordinal)];

        Assert.Equal(expectedJson, JsonAt(Service + lines + "\n", key));
    }

    // Each error on line 4 (or on the line given).
    [Theory]
    [InlineData("model: {name: llama}", 4, DiagnosticCodes.MissingProperty, 8, 8, "model: Discriminator 'format' is missing in value; add `format:` with one of openai, tgi")]
    [InlineData("model: {name: llama, format: vllm}", 4, DiagnosticCodes.InvalidEnumValue, 30, 34, "model.format: No match for discriminator 'format' and value 'vllm' (allowed values: 'openai', 'tgi')")]
    [InlineData("model: {name: llama, format: OpenAI}", 4, DiagnosticCodes.InvalidEnumValue, 30, 36, "did you mean `openai`?")]
    [InlineData("model: {name: llama, format: openai, type: completion}", 4, DiagnosticCodes.InvalidEnumValue, 44, 54, "`completion` is not one of chat")]
    [InlineData("model: {name: llama, format: tgi, prefix: /v1}", 4, DiagnosticCodes.UnknownProperty, 35, 41, "unknown property `model.prefix` for `format: tgi`; it belongs to `format: openai`")]
    [InlineData("model: {name: llama, format: openai, eos_token: x}", 4, DiagnosticCodes.UnknownProperty, 38, 47, "unknown property `model.eos_token` for `format: openai`; it belongs to `format: tgi`")]
    [InlineData("model: {format: tgi}", 4, DiagnosticCodes.MissingProperty, 8, 8, "model: `name` is required for `format: tgi`")]
    [InlineData("model: [llama]", 4, DiagnosticCodes.WrongType, 8, 15, "a name or a mapping with `format`: openai or tgi")]
    [InlineData("replicas: 0..4\nscaling: {target: 10}", 5, DiagnosticCodes.MissingProperty, 10, 10, "scaling: `metric` is required")]
    [InlineData("replicas: 0..4\nscaling: {metric: cpu, target: 10}", 5, DiagnosticCodes.InvalidEnumValue, 19, 22, "`cpu` is not one of rps")]
    [InlineData("replicas: 0..4\nscaling: {metric: rps, target: 0}", 5, DiagnosticCodes.InvalidService, 32, 33, "scaling.target: ensure this value is greater than 0 (found 0)")]
    [InlineData("replicas: ..4\nscaling: {metric: rps, target: 1}", 4, DiagnosticCodes.InvalidService, 11, 14, "replicas: The minimum number of replicas is required (`..4`; dstack 0.18 fails on a range without one); write 0..4")]
    public void ServiceValue_DstackRejects_IsAnErrorAtTheValue(string lines, int line, string code, int column, int endColumn, string message)
    {
        var error = Error(Service + lines + "\n", code, line, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("port: \"*:8000\"", 7, 15, "`*:8000` is not a service port (`*`, any free local port, is for the `ports` of tasks and dev environments); write the container port (8000, published as 80)")]
    [InlineData("port: \"8000:\"", 7, 14, "`8000:` is not a service port")]
    public void Port_DstackRejects_IsAnErrorAtTheValue(string line, int column, int endColumn, string message)
    {
        var error = Error("type: service\ncommands: [a]\n" + line + "\n", DiagnosticCodes.InvalidPort, 3, column, endColumn);

        Mentions(error, message);
    }
}
