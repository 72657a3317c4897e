using System.ComponentModel;
using DescriptionAttribute = Dstack.Runtime.Configuration.Model.DescriptionAttribute;

namespace Dstack.Runtime.Resources;

/// <summary>The disk a job needs. Written as a size or range (<c>100GB..</c>) or as <c>{size: ...}</c>.</summary>
public sealed record DiskSpec
{
    [Description("The disk size: exactly 500GB, or a range such as 100GB.. or 200GB..1TB.")]
    [System.ComponentModel.DataAnnotations.Required]
    public Range<Memory> Size { get; init; } = Range<Memory>.AtLeast(new Memory(100));

    public override string ToString() => $"{Size} (disk)";
}
