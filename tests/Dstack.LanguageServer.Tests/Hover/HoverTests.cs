using System.Text.Json;

namespace Dstack.LanguageServer.Tests.Hover;

/// <summary>Hover over the in-memory client: keys show their documentation, values what they mean, in markdown.</summary>
[Trait("Category", "Fast")]
public sealed class HoverTests
{
    /// <summary>lsp-bench's hover probe document, cursors where the bench puts them.</summary>
    private const string Probe =
        "ty‸pe: task\nname: hover-probe\nno‸des: 2\npython: \"3.11\"\ncommands:\n  - python train.py\n" +
        "reso‸urces:\n  g‸pu: A100:80GB:2\n  mem‸ory: 64GB..\nspot_po‸licy: auto\nmax_dur‸ation: 2h\n";

    [Fact]
    public async Task Hover_BenchProbes_DocumentEachKeyWithItsTypeValueDefaultAndExample()
    {
        var hovers = await HoverClient.AllAsync(Probe);
        var text = hovers.Select(h => h!.Value.GetProperty("contents").GetProperty("value").GetString()!).ToList();

        Assert.StartsWith("**type**: one of: task, dev-environment, service\n\nThe configuration type", text[0], StringComparison.Ordinal);
        Assert.Contains("**Value:** a task: commands that run to completion", text[0], StringComparison.Ordinal);
        Assert.StartsWith("**nodes**: a whole number\n\nThe number of nodes for a distributed task", text[1], StringComparison.Ordinal);
        Assert.Contains("**Value:** 2 nodes: the commands run on each", text[1], StringComparison.Ordinal);
        Assert.Contains("**Default:** `1`", text[1], StringComparison.Ordinal);
        Assert.EndsWith("**Example:**\n```yaml\nnodes: 2\n```", text[1], StringComparison.Ordinal);
        Assert.StartsWith("**resources**: a mapping of cpu, memory, gpu, disk, shm_size\n\nThe hardware the run needs", text[2], StringComparison.Ordinal);
        Assert.Contains("```yaml\nresources:\n  gpu: 24GB..:1..2\n  disk: 200GB..\n```", text[2], StringComparison.Ordinal);
        Assert.StartsWith("**resources.gpu**: a GPU spec: tokens such as A100:80GB:2", text[3], StringComparison.Ordinal);
        Assert.Contains("**Value:** 2 GPUs, each an A100 with 80GB", text[3], StringComparison.Ordinal);
        Assert.StartsWith("**resources.memory**: a size or a range of sizes", text[4], StringComparison.Ordinal);
        Assert.Contains("**Value:** 64GB or more of RAM", text[4], StringComparison.Ordinal);
        Assert.Contains("**Default:** `8GB..`", text[4], StringComparison.Ordinal);
        Assert.StartsWith("**spot_policy**: one of: spot, on-demand, auto\n\n", text[5], StringComparison.Ordinal);
        Assert.Contains("**Value:** auto: spot or on-demand instances, whichever offer is cheapest first", text[5], StringComparison.Ordinal);
        Assert.Contains("**Default:** `on-demand`", text[5], StringComparison.Ordinal);
        Assert.StartsWith("**max_duration**: a duration: seconds (90) or 30s, 30m, 2h, 1d, 1w, or off\n\nStop the run after this long", text[6], StringComparison.Ordinal);
        Assert.Contains("**Value:** 2 hours", text[6], StringComparison.Ordinal);
        Assert.Contains("**Default:** `off`", text[6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_OnKey_RangeIsTheKey()
    {
        var hovers = await HoverClient.AllAsync(Probe);

        Assert.Equal([(0, 0, 0, 4), (2, 0, 2, 5), (6, 0, 6, 9), (7, 2, 7, 5), (8, 2, 8, 8), (9, 0, 9, 11), (10, 0, 10, 12)], hovers.Select(h => Range(h!.Value)));
    }

    [Theory]
    [InlineData("resources:\n  gpu: A1‸00:80GB:2\n", "2 GPUs, each an A100 with 80GB")]
    [InlineData("resources:\n  gpu: 24GB..:1..2‸\n", "1 to 2 GPUs, any model with 24GB or more")]
    [InlineData("resources:\n  gpu: A100,H100:40GB..80GB:1..2‸\n", "1 to 2 GPUs, each A100 or H100 with 40GB to 80GB")]
    [InlineData("resources:\n  gpu: \"‸H100\"\n", "1 GPU, an H100")]
    [InlineData("resources:\n  gpu: ‸nvidia:2..\n", "2 or more GPUs, any NVIDIA model")]
    [InlineData("resources:\n  gpu:\n    name: [A100, H100]\n    count: 2\n    memory: 80GB\nname: ‸x\n", null)]
    [InlineData("resources:\n  g‸pu:\n    name: [A100, H100]\n    count: 2\n    memory: 80GB\n", "2 GPUs, each A100 or H100 with 80GB")]
    [InlineData("resources:\n  gpu:\n    count: 1..‸4\n", "1 to 4 GPUs")]
    [InlineData("resources:\n  memory: 16GB..‸64GB\n", "16GB to 64GB of RAM")]
    [InlineData("resources:\n  cpu: 4..‸\n", "4 or more CPU cores")]
    [InlineData("resources:\n  cpu: ‸8\n", "8 CPU cores")]
    [InlineData("resources:\n  disk: 200GB..‸\n", "200GB or more of disk")]
    [InlineData("resources:\n  disk:\n    size: ..‸1TB\n", "up to 1024GB of disk")]
    [InlineData("resources:\n  shm_size: 1‸6GB\n", "16GB of shared memory (/dev/shm)")]
    [InlineData("max_duration: 2‸h\n", "2 hours")]
    [InlineData("max_duration: 9‸0m\n", "1 hour 30 minutes")]
    [InlineData("max_duration: o‸ff\n", "off: no time limit")]
    [InlineData("idle_duration: ‸3600\n", "1 hour")]
    [InlineData("spot_policy: s‸pot\n", "spot: only spot instances")]
    [InlineData("ports:\n  - \"8080:‸80\"\n", "container port 80 on local port 8080")]
    [InlineData("ports:\n  - 80‸80\n", "container port 8080 on local port 8080")]
    [InlineData("ports: [\"*:30‸00\"]\n", "container port 3000 on any free local port")]
    [InlineData("nodes: ‸2\n", "2 nodes: the commands run on each, as one cluster (DSTACK_NODE_RANK 0 to 1)")]
    [InlineData("python: \"3.1‸1\"\n", "Python 3.11")]
    [InlineData("retry:\n  on_events: [no-capacity]\n  duration: 2‸h\n", "2 hours")]
    public async Task Hover_OnValue_SaysWhatTheParsedValueMeans(string body, string? meaning)
    {
        var markdown = await HoverClient.MarkdownAsync("type: task\ncommands: [echo]\n" + body);

        if (meaning is null)
        {
            Assert.DoesNotContain("**Value:**", markdown, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("**Value:** " + meaning, markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hover_OnValue_ShowsTheKeyDocumentationAndCoversTheValue()
    {
        var hover = (await HoverClient.AtAsync("type: task\ncommands: [echo]\nresources:\n  memory: 16GB..‸64GB  # RAM\n"))!.Value;
        var markdown = hover.GetProperty("contents").GetProperty("value").GetString()!;

        Assert.StartsWith("**resources.memory**: a size or a range of sizes", markdown, StringComparison.Ordinal);
        Assert.Contains("The RAM: exactly 16GB", markdown, StringComparison.Ordinal);
        Assert.Equal((3, 10, 3, 20), Range(hover));
    }

    [Theory]
    [InlineData("resources:\n  memory: 80GB..‸40GB\n", "Invalid range order: 80GB..40GB")]
    [InlineData("resources:\n  gpu: A100:80X‸B\n", "80XB")]
    [InlineData("spot_policy: some‸times\n", "sometimes")]
    [InlineData("max_duration: 1.‸5h\n", "whole numbers only")]
    [InlineData("ports: [\"70000‸\"]\n", "70000")]
    public async Task Hover_OnInvalidValue_ShowsTheDiagnosticInsteadOfAMeaning(string body, string inMessage)
    {
        var markdown = await HoverClient.MarkdownAsync("type: task\ncommands: [echo]\n" + body);

        Assert.Contains("**Invalid:** ", markdown, StringComparison.Ordinal);
        Assert.Contains(inMessage, markdown.Split("**Invalid:** ")[1], StringComparison.Ordinal);
        Assert.DoesNotContain("**Value:**", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu: A1‸00:80GB:2", "`A100` is an NVIDIA GPU with 40GB or 80GB of memory, compute capability 8.0.")]
    [InlineData("gpu: 2:MI30‸0X", "`MI300X` is an AMD GPU with 192GB of memory.")]
    [InlineData("gpu: tpu:v5p-‸8", "`v5p-8` is a Google TPU v5p with 95GB of memory.")]
    [InlineData("gpu:\n    name: [A100, ‸L4]", "`L4` is an NVIDIA GPU with 24GB of memory, compute capability 8.9.")]
    public async Task Hover_OnGpuName_AddsTheCatalogFacts(string gpu, string facts)
    {
        var markdown = await HoverClient.MarkdownAsync("type: task\ncommands: [echo]\nresources:\n  " + gpu + "\n");

        Assert.Contains(facts, markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_OnMemoryToken_HasNoCatalogFacts()
    {
        var markdown = await HoverClient.MarkdownAsync("type: task\ncommands: [echo]\nresources:\n  gpu: A100:8‸0GB:2\n");

        Assert.DoesNotContain("is an NVIDIA GPU", markdown, StringComparison.Ordinal);
        Assert.Contains("**Value:** 2 GPUs", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_DeprecatedKey_ShowsTheAdviceFirst()
    {
        var markdown = await HoverClient.MarkdownAsync("type: task\ncommands: [echo]\nhome_d‸ir: /root\n");

        Assert.StartsWith("**home_dir**: a string\n\n**Deprecated:** it has no effect, the home directory is /root: remove it", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type: task\n‸  \ncommands: [echo]\n")]
    [InlineData("type: task\n# a com‸ment\ncommands: [echo]\n")]
    [InlineData("type: task\ncommands: [echo]  # ‸note\n")]
    [InlineData("type: task\ncommands:\n ‸ - echo\n")]
    [InlineData("type: task\ncommands: [echo]\nunknown_k‸ey: 1\n")]
    [InlineData("type: task\ncommands: [echo]\n‸")]
    public async Task Hover_OnNothingItDocuments_IsNull(string marked)
    {
        Assert.Null(await HoverClient.AtAsync(marked));
    }

    [Fact]
    public async Task Hover_OutsideADstackFile_IsNull()
    {
        Assert.Null(await HoverClient.AtAsync("ty‸pe: task\n", uri: "file:///work/project/values.yml"));
    }

    [Fact]
    public async Task Hover_FileThatDoesNotParse_ReadsTheLineItIsOn()
    {
        const string broken = "type: task\ncommands: [echo\nresources:\n  gpu: A100:‸2\n  mem‸ory: 16GB..\n";

        var hovers = await HoverClient.AllAsync(broken);

        var gpu = hovers[0]!.Value.GetProperty("contents").GetProperty("value").GetString()!;
        Assert.Contains("**Value:** 2 GPUs, each an A100", gpu, StringComparison.Ordinal);
        Assert.Equal((3, 7, 3, 13), Range(hovers[0]!.Value));
        var memory = hovers[1]!.Value.GetProperty("contents").GetProperty("value").GetString()!;
        Assert.StartsWith("**resources.memory**: a size or a range of sizes", memory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_ProfilesFile_DocumentsProfileKeys()
    {
        var markdown = Assert.Single(await HoverClient.AllAsync(
            "profiles:\n  - name: large\n    defa‸ult: true\n", uri: "file:///work/project/.dstack/profiles.yml"))!.Value
            .GetProperty("contents").GetProperty("value").GetString()!;

        Assert.StartsWith("**profiles[].default**: a boolean: true or false\n\nUse this profile when no --profile is given.", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_RuleProblemAtAValue_IsListedAfterItsMeaning()
    {
        var markdown = await HoverClient.MarkdownAsync("type: ta‸sk\n");

        Assert.Contains("**Value:** a task", markdown, StringComparison.Ordinal);
        Assert.Contains("**Problem:** Either `commands` or `image` must be set", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**Invalid:**", markdown, StringComparison.Ordinal);
    }

    private static (int, int, int, int) Range(JsonElement hover)
    {
        var range = hover.GetProperty("range");
        var start = range.GetProperty("start");
        var end = range.GetProperty("end");
        return (start.GetProperty("line").GetInt32(), start.GetProperty("character").GetInt32(), end.GetProperty("line").GetInt32(), end.GetProperty("character").GetInt32());
    }
}
