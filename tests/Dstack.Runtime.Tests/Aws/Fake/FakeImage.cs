namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>One AMI the fake's <c>DescribeImages</c> answers with.</summary>
/// <param name="Id">E.g. <c>ami-0a1b2c3d4e5f60001</c>.</param>
/// <param name="Name">The image name that <c>name</c> filters match.</param>
/// <param name="OwnerId">The owning account's id (the <c>Owner.N</c> parameter and <c>owner-id</c> filter).</param>
/// <param name="OwnerAlias">E.g. <c>amazon</c>, or null.</param>
/// <param name="Description">The image description.</param>
/// <param name="CreationDate">ISO 8601, as EC2 writes it.</param>
public sealed record FakeImage(string Id, string Name, string OwnerId, string? OwnerAlias, string Description, string CreationDate)
{
    /// <summary>Canonical's account, which owns the Ubuntu images.</summary>
    public const string Canonical = "099720109477";

    /// <summary>The account that owns AWS's Deep Learning AMIs.</summary>
    public const string DeepLearning = "898082745236";

    /// <summary>An Ubuntu 24.04 server image and an Ubuntu 22.04 deep-learning image with NVIDIA drivers.</summary>
    public static IReadOnlyList<FakeImage> Defaults { get; } =
    [
        new("ami-0fa1e0000000ub001", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241109", Canonical, null,
            "Canonical, Ubuntu, 24.04, amd64 noble image", "2024-11-09T10:00:00.000Z"),
        new("ami-0fa1e0000000dl001", "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) 20241115", DeepLearning, "amazon",
            "Supported EC2 instances: G4dn, G5, G6, Gr6, G6e, P4, P4de, P5, P5e. NVIDIA driver and CUDA", "2024-11-15T10:00:00.000Z"),
    ];
}
