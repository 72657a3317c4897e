using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class ResourcesBindingTests
{
    private const string Head = "type: task\ncommands: [a]\nresources:\n";

    // The resource line is line 4 of the file: "  KEY: VALUE".
    [Theory]
    [InlineData("gpu: A100:80XB", DiagnosticCodes.InvalidMemory, 13, 17, "could not convert string to float: '80xb'")]
    [InlineData("gpu: A100:xGB", DiagnosticCodes.InvalidGpuSpec, 13, 16, "GPU spec name conflict: A100:xGB")]
    [InlineData("gpu: A100:H100", DiagnosticCodes.InvalidGpuSpec, 13, 17, "GPU spec name conflict: A100:H100")]
    [InlineData("gpu: A100:80GB..40GB", DiagnosticCodes.InvalidRangeOrder, 13, 23, "Invalid range order: 80GB..40GB")]
    [InlineData("gpu: A100:8GB..16XB", DiagnosticCodes.InvalidMemory, 18, 22, "could not convert string to float: '16xb'")]
    [InlineData("gpu: 8x", DiagnosticCodes.InvalidMemory, 8, 10, "could not convert string to float: '8x'")]
    [InlineData("gpu: A100::2", DiagnosticCodes.InvalidGpuSpec, 8, 15, "GPU spec contains empty token: A100::2")]
    [InlineData("gpu: 'A100:'", DiagnosticCodes.InvalidGpuSpec, 8, 15, "GPU spec contains empty token: A100:")]
    [InlineData("gpu: nvidia:amd", DiagnosticCodes.InvalidGpuSpec, 15, 18, "GPU spec vendor conflict: nvidia:amd")]
    [InlineData("gpu: 24GB:40GB", DiagnosticCodes.InvalidGpuSpec, 13, 17, "GPU spec memory conflict: 24GB:40GB")]
    [InlineData("gpu: A100:2:4", DiagnosticCodes.InvalidGpuSpec, 15, 16, "GPU spec count conflict: A100:2:4")]
    [InlineData("gpu: A100,,H100", DiagnosticCodes.InvalidGpuSpec, 8, 18, "GPU name can not be empty: A100,,H100")]
    [InlineData("gpu: A100,:2", DiagnosticCodes.InvalidGpuSpec, 8, 13, "GPU name can not be empty: A100,:2")]
    [InlineData("gpu: A100:1.5", DiagnosticCodes.InvalidInteger, 13, 16, "value is not a valid integer")]
    [InlineData("gpu: \"A100:80XB\"", DiagnosticCodes.InvalidMemory, 14, 18, "could not convert string to float: '80xb'")]
    [InlineData("gpu: 'A100 : 80XB'", DiagnosticCodes.InvalidMemory, 8, 21, "could not convert string to float: '80xb'")]
    [InlineData("gpu: 1.5", DiagnosticCodes.InvalidGpuSpec, 8, 11, "value is not a valid dict")]
    [InlineData("gpu: true", DiagnosticCodes.SuspiciousNumber, 8, 12, "to ask for one GPU write `gpu: 1`")]
    [InlineData("gpu: yes", DiagnosticCodes.SuspiciousNumber, 8, 11, "\"True\"")]
    [InlineData("gpu: [A100]", DiagnosticCodes.WrongType, 8, 14, "a GPU spec")]
    [InlineData("gpu: A100:-1", DiagnosticCodes.SuspiciousNumber, 13, 15, "negative count")]
    [InlineData("memory: 16G", DiagnosticCodes.InvalidMemory, 11, 14, "could not convert string to float: '16g'")]
    [InlineData("memory: 16GiB", DiagnosticCodes.InvalidMemory, 11, 16, "could not convert string to float: '16gib'")]
    [InlineData("memory: GB", DiagnosticCodes.InvalidMemory, 11, 13, "could not convert string to float: ''")]
    [InlineData("memory: 80GB..40GB", DiagnosticCodes.InvalidRangeOrder, 11, 21, "Invalid range order: 80GB..40GB")]
    [InlineData("memory: 1TB..512GB", DiagnosticCodes.InvalidRangeOrder, 11, 21, "Invalid range order: 1024GB..512GB")]
    [InlineData("memory: 8GB..16G", DiagnosticCodes.InvalidMemory, 16, 19, "could not convert string to float: '16g'")]
    [InlineData("memory: ..", DiagnosticCodes.InvalidRange, 11, 13, "Invalid empty range: ..")]
    [InlineData("memory: 1GB..2GB..3GB", DiagnosticCodes.InvalidRange, 11, 24, "too many values to unpack (expected 2)")]
    [InlineData("memory: -1GB", DiagnosticCodes.SuspiciousNumber, 11, 15, "negative size")]
    [InlineData("memory: -8", DiagnosticCodes.SuspiciousNumber, 11, 13, "negative size")]
    [InlineData("memory: .inf", DiagnosticCodes.SuspiciousNumber, 11, 15, "not a finite size")]
    [InlineData("memory: .nan", DiagnosticCodes.SuspiciousNumber, 11, 15, "not a finite size")]
    [InlineData("memory: infGB", DiagnosticCodes.SuspiciousNumber, 11, 16, "not a finite size")]
    [InlineData("memory: [16GB]", DiagnosticCodes.WrongType, 11, 17, "a size")]
    [InlineData("memory: null", DiagnosticCodes.NullNotAllowed, 11, 15, "cannot be empty or null")]
    [InlineData("cpu: 1.5", DiagnosticCodes.SuspiciousNumber, 8, 11, "not a whole number")]
    [InlineData("cpu: '1.5'", DiagnosticCodes.InvalidInteger, 8, 13, "value is not a valid integer")]
    [InlineData("cpu: 4..2", DiagnosticCodes.InvalidRangeOrder, 8, 12, "Invalid range order: 4..2")]
    [InlineData("cpu: 2..x", DiagnosticCodes.InvalidInteger, 11, 12, "value is not a valid integer")]
    [InlineData("cpu: 1...3", DiagnosticCodes.InvalidInteger, 11, 13, "value is not a valid integer")]
    [InlineData("cpu: -1", DiagnosticCodes.SuspiciousNumber, 8, 10, "negative count")]
    [InlineData("cpu: ''", DiagnosticCodes.InvalidInteger, 8, 10, "value is not a valid integer")]
    [InlineData("cpu: null", DiagnosticCodes.NullNotAllowed, 8, 12, "cannot be empty or null")]
    [InlineData("cpu: ~", DiagnosticCodes.NullNotAllowed, 8, 9, "default (2..)")]
    [InlineData("cpu: true", DiagnosticCodes.WrongType, 8, 12, "a count")]
    [InlineData("disk: 100XB..", DiagnosticCodes.InvalidMemory, 9, 14, "could not convert string to float: '100xb'")]
    [InlineData("disk: 2TB..1TB", DiagnosticCodes.InvalidRangeOrder, 9, 17, "Invalid range order: 2048GB..1024GB")]
    [InlineData("shm_size: 8GB..", DiagnosticCodes.InvalidMemory, 13, 18, "could not convert string to float: '8gb..'")]
    [InlineData("shm_size: 8G", DiagnosticCodes.InvalidMemory, 13, 15, "could not convert string to float: '8g'")]
    [InlineData("shm_size: -1", DiagnosticCodes.SuspiciousNumber, 13, 15, "negative size")]
    [InlineData("foo: 1", DiagnosticCodes.UnknownProperty, 3, 6, "unknown property `resources.foo`")]
    [InlineData("gpus: 2", DiagnosticCodes.UnknownProperty, 3, 7, "did you mean `gpu`?")]
    [InlineData("shm: 8GB", DiagnosticCodes.UnknownProperty, 3, 6, "resources.shm")]
    public void Resources_InvalidValue_IsReportedAtTheExactColumns(string line, string code, int column, int endColumn, string message)
    {
        var error = Error(Head + "  " + line + "\n", code, 4, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("cpu: {min: 4, max: 2}", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 4..2")]
    [InlineData("cpu: {}", DiagnosticCodes.InvalidRange, "Invalid empty range: ..")]
    [InlineData("cpu: {min: null, max: null}", DiagnosticCodes.InvalidRange, "Invalid empty range: ..")]
    [InlineData("cpu: {min: 1.5}", DiagnosticCodes.SuspiciousNumber, "not a whole number")]
    [InlineData("cpu: {min: '1.5'}", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("memory: {min: 80GB, max: 40GB}", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 80GB..40GB")]
    [InlineData("memory: {min: 16G}", DiagnosticCodes.InvalidMemory, "could not convert string to float: '16g'")]
    [InlineData("memory: {min: 8GB, step: 2}", DiagnosticCodes.UnknownProperty, "extra fields not permitted")]
    [InlineData("disk: {}", DiagnosticCodes.MissingProperty, "`size` is required")]
    [InlineData("disk: {size: 100GB, type: ssd}", DiagnosticCodes.UnknownProperty, "resources.disk.type")]
    [InlineData("gpu: {vendor: foo}", DiagnosticCodes.InvalidGpuVendor, "'foo' is not a valid AcceleratorVendor")]
    [InlineData("gpu: {name: A100, size: 2}", DiagnosticCodes.UnknownProperty, "resources.gpu.size")]
    [InlineData("gpu: {count: 1.5}", DiagnosticCodes.SuspiciousNumber, "not a whole number")]
    [InlineData("gpu: {count: 4..2}", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 4..2")]
    [InlineData("gpu: {memory: 80GB..40GB}", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 80GB..40GB")]
    [InlineData("gpu: {total_memory: 16G}", DiagnosticCodes.InvalidMemory, "could not convert string to float: '16g'")]
    [InlineData("gpu: {compute_capability: '8'}", DiagnosticCodes.InvalidComputeCapability, "Invalid compute capability: ['8']")]
    [InlineData("gpu: {compute_capability: 3.5.1}", DiagnosticCodes.InvalidComputeCapability, "Invalid compute capability: ['3', '5', '1']")]
    [InlineData("gpu: {compute_capability: x.0}", DiagnosticCodes.InvalidComputeCapability, "invalid literal for int() with base 10: 'x'")]
    [InlineData("gpu: {compute_capability: [8]}", DiagnosticCodes.InvalidComputeCapability, "Invalid compute capability: ['8']")]
    public void Resources_InvalidObjectForm_ReportsDstackMessage(string line, string code, string message)
    {
        var document = Load(Head + "  " + line + "\n");

        var error = Single(document, code);
        Assert.True(error.IsError);
        Assert.Equal(4, error.Span.StartLine);
        Mentions(error, message);
    }

    [Theory]
    [InlineData("gpu: A100", "{\"vendor\":null,\"name\":[\"A100\"],\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: A100:80GB:2", "{\"vendor\":null,\"name\":[\"A100\"],\"count\":{\"min\":2,\"max\":2},\"memory\":{\"min\":80,\"max\":80},\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: 24GB..40GB:2", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":2,\"max\":2},\"memory\":{\"min\":24,\"max\":40},\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: 1..", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":null},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: ..80GB", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":1},\"memory\":{\"min\":null,\"max\":80},\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: nvidia", "{\"vendor\":\"nvidia\",\"name\":null,\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: tpu:v5p-1024", "{\"vendor\":\"google\",\"name\":[\"v5p-1024\"],\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: v5litepod-64:TPU", "{\"vendor\":\"google\",\"name\":[\"v5litepod-64\"],\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: 2", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":2,\"max\":2},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: 16GB..32", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":1},\"memory\":{\"min\":16,\"max\":32},\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: A10G,A100", "{\"vendor\":null,\"name\":[\"A10G\",\"A100\"],\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: 512MB", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":1},\"memory\":{\"min\":0.5,\"max\":0.5},\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: {name: A100, count: 2..4, total_memory: 160GB.., compute_capability: 8.0}", "{\"vendor\":null,\"name\":[\"A100\"],\"count\":{\"min\":2,\"max\":4},\"memory\":null,\"total_memory\":{\"min\":160,\"max\":null},\"compute_capability\":[8,0]}")]
    [InlineData("gpu: {vendor: TPU, name: [v3-8]}", "{\"vendor\":\"google\",\"name\":[\"v3-8\"],\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: {vendor: NVIDIA, name: A100}", "{\"vendor\":\"nvidia\",\"name\":[\"A100\"],\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: {count: {min: 1, max: 2}}", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":2},\"memory\":null,\"total_memory\":null,\"compute_capability\":null}")]
    [InlineData("gpu: {compute_capability: [7, 5]}", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":[7,5]}")]
    [InlineData("gpu: {compute_capability: '7.5'}", "{\"vendor\":null,\"name\":null,\"count\":{\"min\":1,\"max\":1},\"memory\":null,\"total_memory\":null,\"compute_capability\":[7,5]}")]
    [InlineData("gpu: null", "null")]
    [InlineData("cpu: 4", "{\"min\":4,\"max\":4}")]
    [InlineData("cpu: 2..", "{\"min\":2,\"max\":null}")]
    [InlineData("cpu: ..8", "{\"min\":null,\"max\":8}")]
    [InlineData("cpu: '4'", "{\"min\":4,\"max\":4}")]
    [InlineData("cpu: {min: 2}", "{\"min\":2,\"max\":null}")]
    [InlineData("memory: 512MB", "{\"min\":0.5,\"max\":0.5}")]
    [InlineData("memory: 100MB", "{\"min\":0.09765625,\"max\":0.09765625}")]
    [InlineData("memory: 1TB", "{\"min\":1024,\"max\":1024}")]
    [InlineData("memory: 16", "{\"min\":16,\"max\":16}")]
    [InlineData("memory: 0.5", "{\"min\":0.5,\"max\":0.5}")]
    [InlineData("memory: 1e3GB", "{\"min\":1000,\"max\":1000}")]
    [InlineData("memory: 8GB..", "{\"min\":8,\"max\":null}")]
    [InlineData("memory: {max: 64GB}", "{\"min\":null,\"max\":64}")]
    [InlineData("disk: 500GB", "{\"size\":{\"min\":500,\"max\":500}}")]
    [InlineData("disk: 100GB..", "{\"size\":{\"min\":100,\"max\":null}}")]
    [InlineData("disk: {size: 1TB..}", "{\"size\":{\"min\":1024,\"max\":null}}")]
    [InlineData("disk: 200", "{\"size\":{\"min\":200,\"max\":200}}")]
    [InlineData("disk: null", "null")]
    [InlineData("shm_size: 16GB", "16")]
    [InlineData("shm_size: 512MB", "0.5")]
    [InlineData("shm_size: 8", "8")]
    public void NormalizedJson_ResourceValue_IsTheReferenceEncoding(string line, string expectedJson)
    {
        var document = Valid(Head + "  " + line + "\n");
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        Assert.Equal(expectedJson, json.RootElement.GetProperty("resources").GetProperty(key).GetRawText());
    }

    [Fact]
    public void NormalizedJson_ResourcesOmitted_AreDstackDefaults()
    {
        var document = Clean("type: task\ncommands: [a]\n");

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        Assert.Equal(
            "{\"cpu\":{\"min\":2,\"max\":null},\"memory\":{\"min\":8,\"max\":null},\"gpu\":null,\"disk\":{\"size\":{\"min\":100,\"max\":null}},\"shm_size\":null}",
            json.RootElement.GetProperty("resources").GetRawText());
    }

    [Fact]
    public void Resources_OmittedProperties_KeepDefaults()
    {
        var document = Clean(Head + "  gpu: A100\n");

        var resources = document.RunConfiguration!.Resources;
        Assert.Equal("2..xCPU, 8GB.., 1xA100, 100GB.. (disk)", resources.ToString());
    }

    [Theory]
    [InlineData("gpu: 4090", 8, 12, "did you mean RTX4090?")]
    [InlineData("gpu: 3090", 8, 12, "did you mean RTX3090?")]
    public void Gpu_CountThatLooksLikeAModel_IsACountWithAWarning(string line, int column, int endColumn, string hint)
    {
        var warning = Warning(Head + "  " + line + "\n", DiagnosticCodes.GpuCountLooksLikeName, 4, column, endColumn);

        Mentions(warning, hint, "count");
        var document = Load(Head + "  " + line + "\n");
        var count = int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Range<int>.Exactly(count), document.RunConfiguration!.Resources.Gpu!.Count);
    }

    [Fact]
    public void Gpu_QuotedCountThatLooksLikeAModel_IsStillACount()
    {
        var document = Valid(Head + "  gpu: \"4090\"\n");

        Assert.Equal(Range<int>.Exactly(4090), document.RunConfiguration!.Resources.Gpu!.Count);
        Assert.Null(document.RunConfiguration.Resources.Gpu.Name);
    }

    [Theory]
    [InlineData("gpu: 8")]
    [InlineData("gpu: 24..40")]
    [InlineData("gpu: 99")]
    public void Gpu_SmallCountOrRange_HasNoLookalikeWarning(string line)
    {
        var document = Valid(Head + "  " + line + "\n");

        Assert.DoesNotContain(document.Diagnostics, d => d.Code == DiagnosticCodes.GpuCountLooksLikeName);
        Assert.Null(document.RunConfiguration!.Resources.Gpu!.Name);
    }

    [Theory]
    [InlineData("gpu: A1000", DiagnosticCodes.UnknownGpuName, 8, 13, "did you mean A100?")]
    [InlineData("gpu: RTX4900:2", DiagnosticCodes.UnknownGpuName, 8, 17, "did you mean RTX4090?")]
    [InlineData("gpu: A100:200GB", DiagnosticCodes.UnsatisfiableGpu, 8, 18, "A100 has 40GB or 80GB")]
    [InlineData("gpu: tpu-v3-8", DiagnosticCodes.DeprecatedProperty, 8, 16, "`tpu-` prefix is deprecated")]
    [InlineData("gpu: {name: tpu-v3-8}", DiagnosticCodes.DeprecatedProperty, 8, 24, "`tpu-` prefix is deprecated")]
    [InlineData("gpu: {compute_capability: 7.10}", DiagnosticCodes.Yaml11Trap, 29, 33, "7.1")]
    public void Gpu_SuspiciousButValidSpec_IsAWarning(string line, string code, int column, int endColumn, string message)
    {
        var warning = Warning(Head + "  " + line + "\n", code, 4, column, endColumn);

        Mentions(warning, message);
    }

    [Fact]
    public void Gpu_TpuPrefix_IsStrippedFromTheName()
    {
        var document = Valid(Head + "  gpu: tpu-v3-8\n");

        Assert.Equal(["v3-8"], document.RunConfiguration!.Resources.Gpu!.Name);
    }

    [Theory]
    [InlineData("  gpu: MI300X\n")]
    [InlineData("  gpu: mi300x:2\n")]
    [InlineData("  gpu: amd\n")]
    [InlineData("  gpu: AMD:192GB\n")]
    [InlineData("  gpu: {vendor: amd}\n")]
    public void Gpu_AmdWithoutImage_IsAnError(string line)
    {
        var error = Error(Head + line, DiagnosticCodes.InvalidGpuVendor, 4, 8, line.TrimEnd('\n').Length + 1);

        Mentions(error, "`image` is required if `resources.gpu.vendor` is AMD.");
    }

    [Theory]
    [InlineData("image: rocm/pytorch\n", "  gpu: MI300X\n")]
    [InlineData("image: rocm/pytorch\n", "  gpu: MI300x,v3-64\n")]
    [InlineData("", "  gpu: MI300X:0\n")]
    [InlineData("", "  gpu: nvidia\n")]
    [InlineData("", "  gpu: 24GB\n")]
    [InlineData("", "  gpu: a40,l40\n")]
    public void Gpu_AmdWithImageOrNoAmd_IsValid(string image, string line)
    {
        Valid(image + Head + line);
    }

    [Fact]
    public void Gpu_AmdNameAmongOthersWithoutImage_IsAnError()
    {
        var document = Load(Head + "  gpu: MI300x,v3-64\n");

        var error = Single(document, DiagnosticCodes.InvalidGpuVendor);
        Assert.True(error.IsError);
    }
}
