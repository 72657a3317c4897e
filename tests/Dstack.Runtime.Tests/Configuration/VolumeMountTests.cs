using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class VolumeMountTests
{
    private const string Task = "type: task\ncommands: [a]\nvolumes:\n";

    [Theory]
    [InlineData("  - my-vol:/data\n", "{\"name\":\"my-vol\",\"path\":\"/data\"}")]
    [InlineData("  - /mnt/cache:/root/.cache\n", "{\"instance_path\":\"/mnt/cache\",\"path\":\"/root/.cache\",\"optional\":false}")]
    [InlineData("  - vol:/path/./to///dir/\n", "{\"name\":\"vol\",\"path\":\"/path/to/dir\"}")]
    [InlineData("  - /host/./a//b/:/data/\n", "{\"instance_path\":\"/host/a/b\",\"path\":\"/data\",\"optional\":false}")]
    [InlineData("  - vol:/\n", "{\"name\":\"vol\",\"path\":\"/\"}")]
    [InlineData("  - /workflow/cache:/cache\n", "{\"instance_path\":\"/workflow/cache\",\"path\":\"/cache\",\"optional\":false}")]
    [InlineData("  - vol-${{ dstack.node_rank }}:/data\n", "{\"name\":\"vol-${{ dstack.node_rank }}\",\"path\":\"/data\"}")]
    [InlineData("  - name: my-vol\n    path: /data\n", "{\"name\":\"my-vol\",\"path\":\"/data\"}")]
    [InlineData("  - name: [vol-aws, vol-gcp]\n    path: /data\n", "{\"name\":[\"vol-aws\",\"vol-gcp\"],\"path\":\"/data\"}")]
    [InlineData("  - instance_path: /mnt/x\n    path: /x\n    optional: true\n", "{\"instance_path\":\"/mnt/x\",\"path\":\"/x\",\"optional\":true}")]
    [InlineData("  - {instance_path: /mnt/x, path: /x/./y/}\n", "{\"instance_path\":\"/mnt/x\",\"path\":\"/x/y\",\"optional\":false}")]
    public void Volumes_ValidForm_IsNormalized(string body, string expectedJson)
    {
        var document = Valid(Task + body);

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        Assert.Equal(expectedJson, Assert.Single(json.RootElement.GetProperty("volumes").EnumerateArray()).GetRawText());
    }

    [Fact]
    public void Volumes_ShortForm_WithSlashIsAnInstanceVolume()
    {
        var volumes = Clean(Task + "  - /mnt/data:/data\n  - data:/data2\n").RunConfiguration!.Volumes;

        Assert.IsType<InstanceVolumeMount>(volumes[0]);
        Assert.IsType<NetworkVolumeMount>(volumes[1]);
    }

    // Line 4 holds the first item, "  - VALUE", value at column 5.
    [Theory]
    [InlineData("  - data\n", 5, 9, "invalid mount point format: data")]
    [InlineData("  - a:/b:/c\n", 5, 12, "invalid mount point format: a:/b:/c")]
    [InlineData("  - vol:data\n", 9, 13, "path must be absolute: data")]
    [InlineData("  - vol:./data\n", 9, 15, "path must be absolute: ./data")]
    [InlineData("  - vol:/a/../b\n", 9, 16, ".. are not allowed: /a/../b")]
    [InlineData("  - /a/../b:/data\n", 5, 12, ".. are not allowed: /a/../b")]
    [InlineData("  - vol:/workflow\n", 9, 18, "inside /workflow")]
    [InlineData("  - vol:/workflow/data\n", 9, 23, "inside /workflow")]
    [InlineData("  - vol:/workflow/../data\n", 9, 26, ".. are not allowed")]
    [InlineData("  - 'vol:'\n", 10, 10, "empty path")]
    [InlineData("  - ':/data'\n", 6, 6, "the volume name is empty")]
    [InlineData("  - 5\n", 5, 6, "a volume such as my-volume:/data")]
    [InlineData("  - name: v\n", 5, 5, "`path` is required for a network volume")]
    [InlineData("  - path: /data\n", 5, 5, "`name` is required for a network volume")]
    [InlineData("  - instance_path: /mnt\n", 5, 5, "`path` is required for an instance volume")]
    [InlineData("  - {name: v, path: data}\n", 21, 25, "path must be absolute: data")]
    [InlineData("  - {name: v, path: /workflow/x}\n", 21, 32, "inside /workflow")]
    [InlineData("  - {instance_path: rel, path: /x}\n", 21, 24, "path must be absolute: rel")]
    [InlineData("  - {name: v, path: /d, size: 10GB}\n", 25, 29, "unknown property `volumes[0].size`")]
    [InlineData("  - {name: v, path: /d, optional: true}\n", 25, 33, "for a network volume")]
    public void Volumes_InvalidItem_IsReportedAtTheExactColumns(string body, int column, int endColumn, string message)
    {
        var document = Load(Task + body);

        var error = Assert.Single(document.Diagnostics, d => d.IsError);
        Assert.True(error.Code is DiagnosticCodes.InvalidVolume or DiagnosticCodes.MissingProperty or DiagnosticCodes.UnknownProperty or DiagnosticCodes.WrongType, error.ToString());
        At(error, 4, column, 4, endColumn);
        Mentions(error, message);
    }

    [Theory]
    [InlineData("  - data\n", DiagnosticCodes.InvalidVolume)]
    [InlineData("  - vol:data\n", DiagnosticCodes.InvalidVolume)]
    [InlineData("  - name: v\n", DiagnosticCodes.MissingProperty)]
    [InlineData("  - {name: v, paht: /d}\n", DiagnosticCodes.UnknownProperty)]
    [InlineData("  - 5\n", DiagnosticCodes.WrongType)]
    public void Volumes_InvalidItem_HasTheRightCode(string body, string code)
    {
        Assert.Contains(Load(Task + body).Diagnostics, d => d.Code == code && d.IsError);
    }
}
