using System.Text.Json.Nodes;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

/// <summary>The config a build's container is committed with: the image's own, and no value of the job's variables.</summary>
[Trait("Category", "Fast")]
public sealed class BuildImageConfigTests
{
    [Fact]
    public void CommitConfig_KeepsTheImagesOwn_AndNamesEachJobVariableEmpty()
    {
        var image = JsonNode.Parse("""{"Env":["PATH=/usr/bin:/bin","LANG=C.UTF-8"],"Cmd":["python3"],"Entrypoint":null,"WorkingDir":"/app","Labels":{"maintainer":"x"}}""")!.AsObject();

        var config = BuildCache.CommitConfig(image, ["DSTACK_RUN_NAME", "HF_TOKEN", "LANG"], "0123456789abcdef");

        Assert.Equal(["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "DSTACK_RUN_NAME=", "HF_TOKEN="], config["Env"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("python3", (string?)config["Cmd"]![0]);
        Assert.Equal("/app", (string?)config["WorkingDir"]);
        Assert.Equal("x", (string?)config["Labels"]!["maintainer"]);
        Assert.Equal("0123456789abcdef", (string?)config["Labels"]![BuildCache.BuildLabel]);
        Assert.Equal(["PATH=/usr/bin:/bin", "LANG=C.UTF-8"], image["Env"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void CommitConfig_ImageWithoutConfig_StillHidesTheValues()
    {
        var config = BuildCache.CommitConfig(null, ["SECRET"], "k");

        Assert.Equal(["SECRET="], config["Env"]!.AsArray().Select(v => (string)v!));
    }
}
