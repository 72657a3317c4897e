using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;
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
        Placements = [Machine, Machine],
    };

    /// <summary>This machine with two GPUs, both given to each job.</summary>
    private static Offer Machine => new(LocalBackend.BackendName, LocalBackend.Region, LocalBackend.BackendName, new MachineResources(8, new Memory(32), new Memory(100), [new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80)), new MachineGpu("A100", GpuVendor.Nvidia, new Memory(80))]), Spot: false, PricePerHour: 0m)
    {
        Capacity = int.MaxValue,
        Gpus = [0, 1],
        Data = new Dictionary<string, string> { [LocalBackend.PythonKey] = "/usr/bin/python3" },
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
    public void ControllerSecrets_PutTheValuesBack()
    {
        var stored = RunSpec.FromJson(Spec.WithoutSecrets().ToJson());

        var restored = ControllerSecrets.FromJson(ControllerSecrets.Of(Spec).ToJson()).Apply(stored);

        Assert.Equal(Spec.Env, restored.Env);
        Assert.Equal(Spec.Secrets, restored.Secrets);
        Assert.Equal(Spec.Ports, restored.Ports);
        Assert.Equal(Spec.RetryOn, restored.RetryOn);
        Assert.Equal(2, restored.Placements.Count);
        Assert.Equal(Spec.Placements[0].Gpus, restored.Placements[1].Gpus);
        Assert.Equal(Spec.Placements[0].Resources.Gpus, restored.Placements[0].Resources.Gpus);
        Assert.Equal("/usr/bin/python3", restored.Placements[0].Data[LocalBackend.PythonKey]);
        Assert.Equal(int.MaxValue, restored.Placements[0].Capacity);
    }

    [Fact]
    public void JobEnvironment_HasEverySystemVariableAndUserEnvWins()
    {
        var environment = JobEnvironment.Build(Spec, 1, JobTopology.Of(Spec.Placements, ["127.0.0.1", "127.0.0.1"]), new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["MODE"] = "from-runner" }, "/shim");

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

    [Fact]
    public void JobEnvironment_JobsOnOtherMachines_SeeTheirAddressesAndTheirOwnGpus()
    {
        var host = Machine with { Backend = "ssh", Region = "ssh", Instance = "gpu1", Capacity = 1, Gpus = [1] };
        var plain = host with { Instance = "cpu1", Resources = host.Resources with { Gpus = [] }, Gpus = [] };
        var spec = Spec with { Placements = [host, plain] };

        var first = JobEnvironment.Build(spec, 0, JobTopology.Of(spec.Placements, ["10.0.0.1", "10.0.0.2"]), new Dictionary<string, string>(), null);
        var second = JobEnvironment.Build(spec, 1, JobTopology.Of(spec.Placements, ["10.0.0.1", "10.0.0.2"]), new Dictionary<string, string>(), null);

        Assert.Equal("10.0.0.1", second["DSTACK_MASTER_NODE_IP"]);
        Assert.Equal("10.0.0.1\n10.0.0.2", first["DSTACK_NODES_IPS"]);
        Assert.Equal("1", first["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("1", first["DSTACK_GPUS_NUM"]);
        Assert.False(second.ContainsKey("CUDA_VISIBLE_DEVICES"));
        Assert.Equal("0", second["DSTACK_GPUS_PER_NODE"]);
    }
}
