using Dstack.Runtime.Resources;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Properties;

/// <summary>FsCheck generators for the resource values: sizes, ranges and GPU specs, including awkward ones.</summary>
internal static class ResourceGenerators
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // Declared first: static initializers run in text order and the public generators below use it.
    /// <summary>Every finite non-negative double is equally likely by bit pattern: huge, tiny and subnormal ones too.</summary>
    private static Gen<double> AnyNonNegativeFiniteDouble { get; } =
        from high in Gen.Choose(0, 0x7FEFFFFF)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        select BitConverter.Int64BitsToDouble(((long)high << 32) | (uint)low);

    /// <summary>Sizes as people write them (whole GB, MB, TB) and any finite non-negative double at all.</summary>
    public static Gen<Memory> Memory { get; } = Gen.Frequency(
        (4, Gen.Choose(0, 100_000).Select(gb => new Memory(gb))),
        (2, Gen.Choose(0, 1 << 22).Select(mb => new Memory(mb / 1024.0))),
        (1, Gen.Choose(0, 4_096).Select(tb => new Memory(tb * 1024.0))),
        (1, Gen.Elements(0.0, double.Epsilon, 1e-300, 0.1, 1.0 / 3, 123456.5, 1234567, 1e15, 1e21, double.MaxValue).Select(v => new Memory(v))),
        (4, AnyNonNegativeFiniteDouble.Select(v => new Memory(v))));

    /// <summary>Non-negative counts: small ones mostly, up to int.MaxValue.</summary>
    public static Gen<int> Count { get; } = Gen.Frequency(
        (6, Gen.Choose(0, 16)),
        (3, Gen.Choose(0, 100_000)),
        (1, Gen.Choose(0, int.MaxValue)));

    public static Gen<Range<int>> CountRange { get; } = RangeOf(Count);

    public static Gen<Range<Memory>> MemoryRange { get; } = RangeOf(Memory);

    /// <summary>Names from the GPU catalog (and TPU slices), and made-up names that start with a letter.</summary>
    public static Gen<string> GpuName { get; } = Gen.Frequency(
        (3, Gen.Elements(GpuCatalog.SpecNames.ToArray())),
        (2, from first in Gen.Elements(Letters.ToCharArray())
            from rest in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.éß".ToCharArray()))
            select first + new string(rest)),
        (1, Gen.Elements("tpu-v3-8", "tpu-v5p-1024", "TPU-v2", "v5litepod-64", "RTX4090", "a100", "h100nvl", "Gaudi2")));

    public static Gen<GpuSpec> GpuSpec { get; } =
        from vendor in Gen.Elements<GpuVendor?>(null, null, GpuVendor.Nvidia, GpuVendor.Amd, GpuVendor.Google, GpuVendor.Intel)
        from names in Gen.OneOf(Gen.Constant<string[]?>(null), Gen.NonEmptyListOf(GpuName).Select(n => (string[]?)[.. n.Take(4)]))
        from count in Gen.Frequency((1, Gen.Constant(Range<int>.Exactly(1))), (3, CountRange))
        from memory in Gen.OneOf(Gen.Constant<Range<Memory>?>(null), MemoryRange.Select(r => (Range<Memory>?)r))
        select new GpuSpec { Vendor = vendor, Name = names, Count = count, Memory = memory };

    private static Gen<Range<T>> RangeOf<T>(Gen<T> values)
        where T : struct, IComparable<T> =>
        from a in values
        from b in values
        from shape in Gen.Choose(0, 3)
        let min = a.CompareTo(b) <= 0 ? a : b
        let max = a.CompareTo(b) <= 0 ? b : a
        select shape switch
        {
            0 => Range<T>.Exactly(a),
            1 => new Range<T>(min, null),
            2 => new Range<T>(null, max),
            _ => new Range<T>(min, max),
        };
}
