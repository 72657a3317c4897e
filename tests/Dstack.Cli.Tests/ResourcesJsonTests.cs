using System.Text.Json.Nodes;

namespace Dstack.Cli.Tests;

/// <summary>
/// Every example of reference/dstack-resources.md, written in a task and checked through
/// <c>dstack validate --format json</c>: <c>configuration.resources</c> must equal the normalized encoding of §0.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ResourcesJsonTests
{
    private const string DefaultCpu = """{"min": 2, "max": null}""";
    private const string DefaultMemory = """{"min": 8, "max": null}""";
    private const string DefaultDisk = """{"size": {"min": 100, "max": null}}""";

    public static TheoryData<string, string> MemoryCases() => new()
    {
        { "memory: 512MB", Resources(memory: Range("0.5", "0.5")) },
        { "memory: 100MB", Resources(memory: Range("0.09765625", "0.09765625")) },
        { "memory: 1TB", Resources(memory: Range("1024", "1024")) },
        { "memory: 16GB", Resources(memory: Range("16", "16")) },
        { "memory: 16Gb", Resources(memory: Range("16", "16")) },
        { "memory: 16 GB", Resources(memory: Range("16", "16")) },
        { "memory: 1e3GB", Resources(memory: Range("1000", "1000")) },
        { "memory: 16", Resources(memory: Range("16", "16")) },
        { "memory: 8GB..", Resources(memory: Range("8", "null")) },
        { "memory: ..8GB", Resources(memory: Range("null", "8")) },
        { "memory: 24GB..40GB", Resources(memory: Range("24", "40")) },
        { "memory: 512MB..1TB", Resources(memory: Range("0.5", "1024")) },
        { "memory: {min: 8GB, max: 16GB}", Resources(memory: Range("8", "16")) },
        { "memory: {min: 8GB, max: null}", Resources(memory: Range("8", "null")) },
        { "cpu: 4", Resources(cpu: Range("4", "4")) },
        { "cpu: \"4\"", Resources(cpu: Range("4", "4")) },
        { "cpu: \" 4 \"", Resources(cpu: Range("4", "4")) },
        { "cpu: 2..", Resources(cpu: Range("2", "null")) },
        { "cpu: ..8", Resources(cpu: Range("null", "8")) },
        { "cpu: 4..16", Resources(cpu: Range("4", "16")) },
        { "cpu: {min: 2}", Resources(cpu: Range("2", "null")) },
        { "shm_size: 512MB", Resources(shm: "0.5") },
        { "shm_size: 16GB", Resources(shm: "16") },
    };

    public static TheoryData<string, string> GpuCases() => new()
    {
        { "gpu: A100", Resources(gpu: Gpu(name: """["A100"]""")) },
        { "gpu: A10G,A100", Resources(gpu: Gpu(name: """["A10G", "A100"]""")) },
        { "gpu: A100:80GB", Resources(gpu: Gpu(name: """["A100"]""", memory: Range("80", "80"))) },
        { "gpu: A100:2", Resources(gpu: Gpu(name: """["A100"]""", count: Range("2", "2"))) },
        { "gpu: 24GB..40GB:2", Resources(gpu: Gpu(memory: Range("24", "40"), count: Range("2", "2"))) },
        { "gpu: A100:40GB:2", Resources(gpu: Gpu(name: """["A100"]""", memory: Range("40", "40"), count: Range("2", "2"))) },
        { "gpu: 40GB..80GB:4", Resources(gpu: Gpu(memory: Range("40", "80"), count: Range("4", "4"))) },
        { "gpu: 1..", Resources(gpu: Gpu(count: Range("1", "null"))) },
        { "gpu: ..80GB", Resources(gpu: Gpu(memory: Range("null", "80"))) },
        { "gpu: nvidia", Resources(gpu: Gpu(vendor: "\"nvidia\"")) },
        { "gpu: tpu:v5p-1024", Resources(gpu: Gpu(vendor: "\"google\"", name: """["v5p-1024"]""")) },
        { "gpu: v5litepod-64:TPU", Resources(gpu: Gpu(vendor: "\"google\"", name: """["v5litepod-64"]""")) },
        { "gpu: MI300X:AMD", Resources(gpu: Gpu(vendor: "\"amd\"", name: """["MI300X"]""")) },
        { "gpu: tpu-v3-8", Resources(gpu: Gpu(name: """["v3-8"]""")) },
        { "gpu: 16GB..32", Resources(gpu: Gpu(memory: Range("16", "32"))) },
        { "gpu: 24GB", Resources(gpu: Gpu(memory: Range("24", "24"))) },
        { "gpu: 24..40", Resources(gpu: Gpu(count: Range("24", "40"))) },
        { "gpu: 2", Resources(gpu: Gpu(count: Range("2", "2"))) },
        { "gpu: A100:0", Resources(gpu: Gpu(name: """["A100"]""", count: Range("0", "0"))) },
        { "gpu: null", Resources() },
        { "gpu: {name: [A100], count: 1..2}", Resources(gpu: Gpu(name: """["A100"]""", count: Range("1", "2"))) },
        { "gpu: {name: A100}", Resources(gpu: Gpu(name: """["A100"]""")) },
        { "gpu: {vendor: tpu, name: v5p-8}", Resources(gpu: Gpu(vendor: "\"google\"", name: """["v5p-8"]""")) },
        { "gpu: {vendor: AMD, name: MI300X}", Resources(gpu: Gpu(vendor: "\"amd\"", name: """["MI300X"]""")) },
        { "gpu: {total_memory: 160GB..}", Resources(gpu: Gpu(totalMemory: Range("160", "null"))) },
        { "gpu: {compute_capability: 8.0}", Resources(gpu: Gpu(computeCapability: "[8, 0]")) },
        { "gpu: {compute_capability: \"7.5\"}", Resources(gpu: Gpu(computeCapability: "[7, 5]")) },
        { "gpu: {compute_capability: [8, 6]}", Resources(gpu: Gpu(computeCapability: "[8, 6]")) },
    };

    public static TheoryData<string, string> DiskCases() => new()
    {
        { "disk: 500GB", Resources(disk: """{"size": {"min": 500, "max": 500}}""") },
        { "disk: 500", Resources(disk: """{"size": {"min": 500, "max": 500}}""") },
        { "disk: 100GB..", Resources(disk: """{"size": {"min": 100, "max": null}}""") },
        { "disk: 200GB..1TB", Resources(disk: """{"size": {"min": 200, "max": 1024}}""") },
        { "disk: {size: 200GB..1TB}", Resources(disk: """{"size": {"min": 200, "max": 1024}}""") },
        { "disk: {size: {min: 50GB, max: null}}", Resources(disk: """{"size": {"min": 50, "max": null}}""") },
        { "disk: null", Resources(disk: "null") },
    };

    [Theory]
    [MemberData(nameof(MemoryCases))]
    [MemberData(nameof(GpuCases))]
    [MemberData(nameof(DiskCases))]
    public async Task ValidateJson_ResourcesExample_IsTheNormalizedEncoding(string resourcesLine, string expected)
    {
        var image = resourcesLine.Contains("MI300X", StringComparison.Ordinal) ? "image: rocm/pytorch\n" : string.Empty;
        var resources = await ResourcesOfAsync($"type: task\n{image}commands:\n  - echo hi\nresources:\n  {resourcesLine}\n");

        AssertJsonEqual(expected, resources);
    }

    [Fact]
    public async Task ValidateJson_NoResources_HasTheDefaults()
    {
        var resources = await ResourcesOfAsync("type: task\ncommands:\n  - echo hi\n");

        AssertJsonEqual("""{"cpu": {"min": 2, "max": null}, "memory": {"min": 8, "max": null}, "gpu": null, "disk": {"size": {"min": 100, "max": null}}, "shm_size": null}""", resources);
    }

    [Fact]
    public async Task ValidateJson_EmptyResources_HasTheDefaults()
    {
        var resources = await ResourcesOfAsync("type: task\ncommands:\n  - echo hi\nresources: {}\n");

        AssertJsonEqual(Resources(), resources);
    }

    [Fact]
    public async Task ValidateJson_AmdGpuWithoutImage_IsAnError()
    {
        using var folder = new TempFolder();
        var file = folder.Write("amd.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: MI300X:AMD\n");

        var result = await Cli.RunAsync("validate", file, "--format", "json");

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
        Assert.Contains("`image` is required", result.Output, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        var diagnostic = Assert.Single(json.RootElement.GetProperty("files")[0].GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("DSTK2008", diagnostic.GetProperty("code").GetString());
    }

    internal static async Task<JsonNode?> ResourcesOfAsync(string yaml)
    {
        using var folder = new TempFolder();
        var file = folder.Write("case.dstack.yml", yaml);
        var result = await Cli.RunAsync("validate", file, "--format", "json");
        Assert.True(result.ExitCode == DstackCommandLine.Success, result.ToString());
        var root = JsonNode.Parse(result.Output)!;
        var entry = root["files"]![0]!;
        Assert.DoesNotContain(entry["diagnostics"]!.AsArray(), d => (string?)d!["severity"] == "error");
        return entry["configuration"]!["resources"];
    }

    internal static void AssertJsonEqual(string expected, JsonNode? actual)
    {
        var want = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(want, actual), $"expected {want?.ToJsonString()}\n  actual {actual?.ToJsonString()}");
    }

    private static string Range(string min, string max) => $$"""{"min": {{min}}, "max": {{max}}}""";

    private static string Gpu(string vendor = "null", string name = "null", string? count = null, string memory = "null", string totalMemory = "null", string computeCapability = "null") =>
        $$"""{"vendor": {{vendor}}, "name": {{name}}, "count": {{count ?? Range("1", "1")}}, "memory": {{memory}}, "total_memory": {{totalMemory}}, "compute_capability": {{computeCapability}}}""";

    private static string Resources(string cpu = DefaultCpu, string memory = DefaultMemory, string gpu = "null", string disk = DefaultDisk, string shm = "null") =>
        $$"""{"cpu": {{cpu}}, "memory": {{memory}}, "gpu": {{gpu}}, "disk": {{disk}}, "shm_size": {{shm}}}""";
}
