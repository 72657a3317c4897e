using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Tests.Runs.Environment;

[Trait("Category", "Fast")]
public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("token=hf_abcdef end", "token=*** end")]
    [InlineData("hf_abcdef", "***")]
    [InlineData("hf_abcdefhf_abcdef and hf_abcdef", "****** and ***")]
    [InlineData("nothing here", "nothing here")]
    [InlineData("", "")]
    public void Mask_Text_ReplacesEveryOccurrence(string text, string expected)
    {
        Assert.Equal(expected, new SecretMasker(["hf_abcdef"]).Mask(text));
    }

    [Fact]
    public void Mask_SecretInsideALongerOne_HidesTheLongerOneWhole()
    {
        var masker = new SecretMasker(["abcd", "abcd1234"]);

        Assert.Equal("key *** and ***", masker.Mask("key abcd1234 and abcd"));
    }

    [Fact]
    public void Mask_OverlappingSecrets_LeaveNoPartOfEitherVisible()
    {
        var masker = new SecretMasker(["abcdef", "defghi"]);

        Assert.Equal("x***y ***", masker.Mask("xabcdefghiy defghi"));
    }

    [Fact]
    public void Mask_TextWithoutSecrets_ReturnsTheSameInstance()
    {
        var text = "epoch 3/10 loss=0.123 lr=3e-4";

        Assert.Same(text, new SecretMasker(["hf_secret", "wandb-key-123"]).Mask(text));
    }

    [Fact]
    public void Mask_MultiLineSecret_IsMaskedLineByLine()
    {
        var masker = new SecretMasker(["-----BEGIN KEY-----\r\nMIIEvQIBADANBg\nok\n-----END KEY-----"]);

        Assert.Equal("***", masker.Mask("MIIEvQIBADANBg"));
        Assert.Equal("*** ***", masker.Mask("-----BEGIN KEY----- -----END KEY-----"));
        Assert.Equal("ok", masker.Mask("ok"));
    }

    [Fact]
    public void IsEmpty_NoOrOnlyEmptySecrets_IsTrueAndTextIsUnchanged()
    {
        var masker = new SecretMasker(["", ""]);

        Assert.True(masker.IsEmpty);
        Assert.Equal("a b c", masker.Mask("a b c"));
        Assert.False(new SecretMasker(["x"]).IsEmpty);
    }

    [Fact]
    public void Mask_ResolverSecrets_HideTokensButNotShortValues()
    {
        var resolution = EnvironmentResolver.Resolve(
            new EnvVariables([new EnvVariable("HF_TOKEN", null), new EnvVariable("API_KEY", "ab")]),
            ["EPOCHS=1"],
            new Dictionary<string, string> { ["HF_TOKEN"] = "hf_0123456789" },
            null,
            "train.dstack.yml");

        var masker = new SecretMasker(resolution.SecretValues);

        Assert.Equal("epoch 1 of 1, key ab, token ***", masker.Mask("epoch 1 of 1, key ab, token hf_0123456789"));
    }
}
