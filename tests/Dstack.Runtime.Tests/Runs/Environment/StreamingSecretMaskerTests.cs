using System.Text;
using Dstack.Runtime.Runs.Environment;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Runs.Environment;

[Trait("Category", "Fast")]
public sealed class StreamingSecretMaskerTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(3_000).WithQuietOnSuccess(true);

    /// <summary>Few letters (so secrets overlap and repeat), multi-byte characters (so splits fall inside them), no '*'.</summary>
    private static readonly Gen<char> Letter = Gen.Elements('a', 'b', 'c', 'x', '-', '\n', 'é', '€', '\u4E2D');

    private static readonly Gen<string> Word = from chars in Gen.ListOf(Letter) select string.Concat(chars);

    private static readonly Gen<string> Secret = Word.Where(w => w.Length >= 3);

    private static readonly Gen<(string[] Secrets, string Text, int[] Cuts)> Case =
        from secrets in Gen.NonEmptyListOf(Secret).Select(s => s.Take(4).ToArray())
        from parts in Gen.ListOf(Gen.OneOf(Word, Gen.Elements(secrets), Gen.Elements(secrets).Select(s => s[..(s.Length / 2)])))
        let text = string.Concat(parts)
        from cuts in Gen.ListOf(Gen.Choose(0, Encoding.UTF8.GetByteCount(text)))
        select (secrets, text, cuts.Distinct().Order().ToArray());

    private static string Stream(SecretMasker masker, byte[] bytes, IEnumerable<int> cuts)
    {
        var streaming = new StreamingSecretMasker(masker);
        var output = new List<byte>();
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            output.AddRange(streaming.Push(bytes.AsSpan(from, cut - from)));
            from = cut;
        }

        output.AddRange(streaming.Flush());
        Assert.False(streaming.IsHolding);
        return Encoding.UTF8.GetString([.. output]);
    }

    [Fact]
    public void Push_AnySplitOfTheBytes_GivesWhatMaskingTheWholeTextGives_AndNoSecret() =>
        Check.One(Cases, Prop.ForAll(Case.ToArbitrary(), c =>
        {
            var masker = new SecretMasker(c.Secrets);

            var streamed = Stream(masker, Encoding.UTF8.GetBytes(c.Text), c.Cuts);

            Assert.Equal(masker.Mask(c.Text), streamed);
            foreach (var secret in c.Secrets)
            {
                Assert.DoesNotContain(secret, streamed, StringComparison.Ordinal);
            }
        }));

    [Fact]
    public void Push_TextWithoutSecrets_ComesOutUnchangedAtOnce()
    {
        var streaming = new StreamingSecretMasker(new SecretMasker(["hunter2-secret"]));

        Assert.Equal("epoch 1 loss=0.5\nContinue? [y/n] ", Encoding.UTF8.GetString(streaming.Push("epoch 1 loss=0.5\nContinue? [y/n] "u8)));
        Assert.False(streaming.IsHolding);
    }

    [Fact]
    public void Push_ChunkEndingInAPossibleSecret_HoldsBackOnlyThatTail()
    {
        var streaming = new StreamingSecretMasker(new SecretMasker(["hunter2-secret"]));

        var first = Encoding.UTF8.GetString(streaming.Push("token=hunt"u8));
        var second = Encoding.UTF8.GetString(streaming.Push("er2-secret done\n"u8));

        Assert.Equal("token=", first);
        Assert.True(second == "*** done\n", second);
    }

    [Fact]
    public void Push_SecretInManyPieces_IsMasked()
    {
        var streaming = new StreamingSecretMasker(new SecretMasker(["hunter2-secret"]));
        var output = new StringBuilder();

        foreach (var piece in new[] { "a h", "u", "nte", "r2-s", "ecre", "t b" })
        {
            output.Append(Encoding.UTF8.GetString(streaming.Push(Encoding.UTF8.GetBytes(piece))));
        }

        output.Append(Encoding.UTF8.GetString(streaming.Flush()));
        Assert.Equal("a *** b", output.ToString());
    }

    [Fact]
    public void Flush_HeldTailThatWasNoSecret_ComesOutAsItWas()
    {
        var streaming = new StreamingSecretMasker(new SecretMasker(["hunter2-secret"]));

        var first = Encoding.UTF8.GetString(streaming.Push("name: hunter"u8));
        var held = streaming.IsHolding;
        var flushed = Encoding.UTF8.GetString(streaming.Flush());

        Assert.Equal("name: ", first);
        Assert.True(held);
        Assert.Equal("hunter", flushed);
    }

    [Fact]
    public void Push_InvalidUtf8WithoutSecrets_KeepsEveryByte()
    {
        var streaming = new StreamingSecretMasker(new SecretMasker(["hunter2-secret"]));
        byte[] bytes = [0xFF, 0x61, 0xC3, 0x0A];

        Assert.Equal(bytes, streaming.Push(bytes));
    }

    [Fact]
    public void Push_CharacterSplitAcrossChunks_IsShownWhole()
    {
        var streaming = new StreamingSecretMasker(new SecretMasker(["hunter2-secret"]));
        var euro = Encoding.UTF8.GetBytes("5€");

        var first = streaming.Push(euro[..^1]);
        var second = streaming.Push(euro[^1..]);

        Assert.Equal("5"u8.ToArray(), first);
        Assert.Equal(Encoding.UTF8.GetBytes("€"), second);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, 1)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82, 0xAC }, 4)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 }, 0)]
    [InlineData(new byte[] { 0x61, 0x62 }, 2)]
    public void CompleteUtf8Length_StopsBeforeAnUnfinishedCharacter(byte[] bytes, int expected)
    {
        Assert.Equal(expected, StreamingSecretMasker.CompleteUtf8Length(bytes));
    }
}
