using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A path entry of a workflow's <c>artifacts</c> or <c>cache</c>.</summary>
public sealed record WorkflowPath
{
    [Description("The folder, relative to the working directory or absolute.")]
    [Required]
    public string Path { get; init; } = string.Empty;
}
