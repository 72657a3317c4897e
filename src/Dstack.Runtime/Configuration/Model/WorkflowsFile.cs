using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A legacy pipelines file, <c>.dstack/workflows/*.yaml</c> (dstack 0.x).</summary>
public sealed record WorkflowsFile
{
    [Description("The workflows in this file, each run by name.")]
    [Required]
    [MappingAsOneItem]
    public IReadOnlyList<Workflow> Workflows { get; init; } = [];
}
