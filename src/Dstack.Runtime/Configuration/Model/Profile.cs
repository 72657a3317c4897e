using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A named set of profile parameters in <c>.dstack/profiles.yml</c>.</summary>
public sealed record Profile : ProfileParameters
{
    [Description("The profile name, used with --profile NAME.")]
    [Required]
    public string Name { get; init; } = string.Empty;

    [Description("Use this profile when no --profile is given.")]
    [DefaultValue(false)]
    public bool Default { get; init; }
}
