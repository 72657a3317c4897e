using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class RunSpecTests
{
    private static readonly RunSpec Spec = new()
    {
        RunName = "brave-otter-1",
        Type = "task",
        ConfigurationPath = "/p/.dstack.yml",
        RepoRoot = "/p",
        Script = "echo hi",
        Env = [new EnvEntry("HF_TOKEN", "hf_secret_value"), new EnvEntry("MODE", "fast")],
        Secrets = ["hf_secret_value"],
        Ports = [new PortMapping(null, 8000)],
        RetryOn = [RetryEvent.NoCapacity, RetryEvent.Error],
        Nodes = 2,
        Gpus = [0, 1],
    };

    [Fact]
    public void WithoutSecrets_StoredJson_HasNoValueButKeepsTheNames()
    {
        var json = Spec.WithoutSecrets().ToJson();

        Assert.DoesNotContain("hf_secret_value", json, StringComparison.Ordinal);
        Assert.DoesNotContain("fast", json, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN", json, StringComparison.Ordinal);
        Assert.Contains("no-capacity", json, StringComparison.Ordinal);
    }

    [Fact]
    public void RunnerSecrets_PutTheValuesBack()
    {
        var stored = RunSpec.FromJson(Spec.WithoutSecrets().ToJson());

        var restored = RunnerSecrets.FromJson(RunnerSecrets.Of(Spec).ToJson()).Apply(stored);

        Assert.Equal(Spec.Env, restored.Env);
        Assert.Equal(Spec.Secrets, restored.Secrets);
        Assert.Equal(Spec.Ports, restored.Ports);
        Assert.Equal(Spec.RetryOn, restored.RetryOn);
        Assert.Equal(Spec.Gpus, restored.Gpus);
    }

    [Fact]
    public void JobEnvironment_HasEverySystemVariableAndUserEnvWins()
    {
        var environment = JobEnvironment.Build(Spec with { HasMachineGpus = true }, 1, new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["MODE"] = "from-runner" }, "/shim");

        Assert.Equal("brave-otter-1", environment["DSTACK_RUN_NAME"]);
        Assert.Equal("2", environment["DSTACK_NODES_NUM"]);
        Assert.Equal("1", environment["DSTACK_NODE_RANK"]);
        Assert.Equal("127.0.0.1", environment["DSTACK_MASTER_NODE_IP"]);
        Assert.Equal("127.0.0.1\n127.0.0.1", environment["DSTACK_NODES_IPS"]);
        Assert.Equal("2", environment["DSTACK_GPUS_PER_NODE"]);
        Assert.Equal("4", environment["DSTACK_GPUS_NUM"]);
        Assert.Equal("0,1", environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("fast", environment["MODE"]);
        Assert.Equal("/shim:/usr/bin", environment["PATH"]);
        Assert.StartsWith("p-", environment["DSTACK_REPO_ID"], StringComparison.Ordinal);
        Assert.Equal(environment["DSTACK_REPO_ID"], environment["REPO_ID"]);
    }
}
