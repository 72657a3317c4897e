using System.Diagnostics.CodeAnalysis;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Dstack.Tasks;

/// <summary>
/// Checks configuration files with <c>dstack validate --format msbuild FILES...</c>; each problem becomes an
/// MSBuild error or warning with its code, file, line and column.
/// </summary>
public sealed class DstackValidate : DstackToolTask
{
    /// <summary>The configuration files to check (<c>@(DstackConfiguration)</c>).</summary>
    [Required]
    [NotNull]
    public ITaskItem[]? Files { get; set; }

    /// <summary>
    /// Default true: on glibc Linux x64, the native CLI shipped beside the portable one checks the files (it starts
    /// about four times faster, and reads every file as the portable one does). False always runs <see cref="DstackToolTask.DstackCliPath"/>.
    /// </summary>
    public bool PreferNativeCli { get; set; } = true;

    protected override bool MayUseNativeCli => PreferNativeCli;

    public override bool Execute()
    {
        if (Files!.Length == 0)
        {
            return true;
        }

        return base.Execute() && !Log.HasLoggedErrors && !LoggedWarningAsError;
    }

    protected override void AppendArguments(CommandLineBuilder builder)
    {
        builder.AppendSwitch("validate");
        builder.AppendSwitch("--format");
        builder.AppendSwitch("msbuild");
        foreach (var file in Files!)
        {
            builder.AppendFileNameIfNotNull(file);
        }
    }
}
