using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Hashing;

namespace Dstack.Runtime.Tests.Hashing;

/// <summary>The managed SHA-256 gives the platform's SHA-256, so every name derived from it stays what it was.</summary>
[Trait("Category", "Fast")]
public sealed class ShortHashTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void HexOf_TheStandardsExamples_GivesTheirDigests(string text, string digest) =>
        Assert.Equal(digest, ShortHash.HexOf(text));

    [Fact]
    public void Sha256_EveryLengthAcrossThePaddingBoundaries_EqualsThePlatformHash()
    {
        var random = new Random(20261205);
        // 0..300 bytes covers one and two final blocks (55, 56, 63, 64, 119, 120 …) and several whole blocks before them.
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.True(SHA256.HashData(data).AsSpan().SequenceEqual(ShortHash.Sha256(data)), $"length {length}");
        }
    }

    [Fact]
    public void HexOf_NonAsciiText_HashesItsUtf8Bytes()
    {
        const string text = "мой-проект\n/home/ünïcode\n42\n0";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), ShortHash.HexOf(text));
    }

    [Fact]
    public void Sha256_AMegabyte_EqualsThePlatformHash()
    {
        var data = new byte[(1 << 20) + 17];
        new Random(7).NextBytes(data);
        Assert.Equal(SHA256.HashData(data), ShortHash.Sha256(data));
    }
}
