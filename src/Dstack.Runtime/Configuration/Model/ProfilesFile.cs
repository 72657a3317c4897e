using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The contents of <c>.dstack/profiles.yml</c> or <c>~/.dstack/profiles.yml</c>.</summary>
public sealed record ProfilesFile
{
    [Description("The profiles; the first with `default: true` is used when no --profile is given.")]
    [Required]
    public IReadOnlyList<Profile> Profiles { get; init; } = [];
}
