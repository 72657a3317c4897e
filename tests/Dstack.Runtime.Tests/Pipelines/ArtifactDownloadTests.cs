using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Pipelines;

/// <summary><see cref="ArtifactDownload"/> in-process: what the CLI tests cannot reach reliably (a cancelled copy, kinds in the way, a damaged folder).</summary>
[Trait("Category", "Fast")]
public sealed class ArtifactDownloadTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "artifact-download-" + Guid.NewGuid().ToString("N")[..8]);

    private string Saved => Path.Combine(_root, "saved");

    private string Into => Path.Combine(_root, "into");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Copy_Cancelled_LeavesNoTemporaryFile_AndNoPartFileUnderItsName()
    {
        var artifact = Save("output", ("big.bin", new byte[3 << 20]), ("small.txt", "abc"u8.ToArray()));
        var download = Choose([artifact], null);
        download.Plan();
        using var cancel = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() => download.Copy(force: false, (done, _) => cancel.Cancel(), cancel.Token));

        var left = Directory.EnumerateFiles(Into, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain(left, name => name!.Contains(".dstack-", StringComparison.Ordinal));
        Assert.DoesNotContain("big.bin", left);
    }

    [Fact]
    public void Plan_DifferentFile_IsAConflict_AndCopyWithoutForceWritesNothing()
    {
        var artifact = Save("output", ("a.txt", "saved"u8.ToArray()), ("b.txt", "b"u8.ToArray()));
        Directory.CreateDirectory(Path.Combine(Into, "output"));
        File.WriteAllText(Path.Combine(Into, "output", "a.txt"), "mine!");
        var download = Choose([artifact], null);

        download.Plan();

        Assert.Equal([$"{Path.Combine(Into, "output", "a.txt")} (a different file)"], download.Conflicts);
        Assert.Throws<InvalidOperationException>(() => download.Copy(force: false));
        Assert.False(File.Exists(Path.Combine(Into, "output", "b.txt")));
    }

    [Fact]
    public void Copy_Force_ReplacesAFolderWhereTheArtifactHasAFile_AndALinkWhereItHasAFolder()
    {
        var artifact = Save("output", ("model.bin", "weights"u8.ToArray()), ("sub/x.txt", "x"u8.ToArray()));
        Directory.CreateDirectory(Path.Combine(Into, "output", "model.bin", "inner"));
        var elsewhere = Path.Combine(_root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        File.CreateSymbolicLink(Path.Combine(Into, "output", "sub"), elsewhere);
        var download = Choose([artifact], null);
        download.Plan();

        Assert.Equal(2, download.Conflicts.Count);
        download.Copy(force: true);

        Assert.Equal("weights", File.ReadAllText(Path.Combine(Into, "output", "model.bin")));
        Assert.Null(new FileInfo(Path.Combine(Into, "output", "sub")).LinkTarget);
        Assert.Equal("x", File.ReadAllText(Path.Combine(Into, "output", "sub", "x.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.True(Assert.Single(download.Verify()).Matches);
    }

    [Fact]
    public void Choose_FolderFromADamagedStore_IsRefused()
    {
        var artifact = Save("output", ("a.txt", "a"u8.ToArray())) with { Folder = "../../outside" };

        var download = ArtifactDownload.Choose("train", [artifact], null, Saved, Into, out var problem);

        Assert.Null(download);
        Assert.Equal("DSTK3041", problem?.Code);
        Assert.Contains("not a plain relative path", problem?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_SingleFileArtifact_LandsUnderItsFolder_AndIsChecked()
    {
        Directory.CreateDirectory(Saved);
        File.WriteAllText(Path.Combine(Saved, "report.txt"), "report");
        var (files, size, sha256) = ArtifactMeasure.Of(Path.Combine(Saved, "report.txt"));
        var artifact = new ArtifactRecord(1, "report.txt", "report.txt", files, size, sha256, DateTimeOffset.UtcNow);
        var download = Choose([artifact], "./report.txt");
        download.Plan();

        download.Copy(force: false);

        Assert.Equal("report", File.ReadAllText(Path.Combine(Into, "report.txt")));
        var check = Assert.Single(download.Verify());
        Assert.True(check.Matches && check.OfCopy);
    }

    private ArtifactDownload Choose(IReadOnlyList<ArtifactRecord> artifacts, string? path)
    {
        var download = ArtifactDownload.Choose("train", artifacts, path, Saved, Into, out var problem);
        Assert.True(download is not null, problem?.Message);
        return download;
    }

    private ArtifactRecord Save(string folder, params (string Path, byte[] Bytes)[] files)
    {
        var root = Path.Combine(Saved, folder);
        foreach (var (relative, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
            File.WriteAllBytes(Path.Combine(root, relative), bytes);
        }

        var (count, size, sha256) = ArtifactMeasure.Of(root);
        return new ArtifactRecord(1, folder, folder, count, size, sha256, DateTimeOffset.UtcNow);
    }
}
