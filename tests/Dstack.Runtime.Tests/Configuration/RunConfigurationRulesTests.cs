using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class RunConfigurationRulesTests
{
    private const string Task = "type: task\ncommands: [a]\n";

    // The property line is line 3 of a task file.
    [Theory]
    [InlineData("name: Train", DiagnosticCodes.InvalidName, 7, 12, "Resource name should match regex '^[a-z][a-z0-9-]{1,40}$'")]
    [InlineData("name: my_run", DiagnosticCodes.InvalidName, 7, 13, "try `my-run`")]
    [InlineData("name: a", DiagnosticCodes.InvalidName, 7, 8, "2 to 41 characters")]
    [InlineData("name: 1abc", DiagnosticCodes.InvalidName, 7, 11, "starting with a letter")]
    [InlineData("name: train-llama-3-8b-instruct-on-four-h100s-now", DiagnosticCodes.InvalidName, 7, 50, "(`train-llama-3-8b-instruct-on-four-h100s-now`)")]
    [InlineData("python: 3.8", DiagnosticCodes.InvalidPython, 9, 12, "Python 3.8 is not supported")]
    [InlineData("python: '3.14'", DiagnosticCodes.InvalidPython, 9, 15, "use one of 3.9, 3.10, 3.11, 3.12, 3.13")]
    [InlineData("python: 2", DiagnosticCodes.InvalidPython, 9, 10, "Python 2 is not supported")]
    [InlineData("python: 3.10.4", DiagnosticCodes.InvalidPython, 9, 15, "Python 3.10.4 is not supported")]
    [InlineData("python: yes", DiagnosticCodes.WrongType, 9, 12, "a Python version")]
    [InlineData("nodes: 0", DiagnosticCodes.InvalidNodes, 8, 9, "ensure this value is greater than or equal to 1")]
    [InlineData("nodes: -1", DiagnosticCodes.InvalidNodes, 8, 10, "found -1")]
    [InlineData("nodes: 1.5", DiagnosticCodes.SuspiciousNumber, 8, 11, "not a whole number")]
    [InlineData("nodes: two", DiagnosticCodes.WrongType, 8, 11, "a whole number (default 1)")]
    [InlineData("user: a:b:c", DiagnosticCodes.InvalidUser, 7, 12, "invalid user format: too many parts")]
    [InlineData("user: ':grp'", DiagnosticCodes.InvalidUser, 7, 13, "empty user name or id")]
    [InlineData("user: 'usr:'", DiagnosticCodes.InvalidUser, 7, 13, "empty group name or id")]
    [InlineData("user: -1", DiagnosticCodes.InvalidUser, 7, 9, "negative uid -1")]
    [InlineData("user: 'root:-5'", DiagnosticCodes.InvalidUser, 7, 16, "negative gid -5")]
    [InlineData("working_dir: ../other", DiagnosticCodes.InvalidWorkingDir, 14, 22, "path is outside of the root directory")]
    [InlineData("working_dir: a/../../b", DiagnosticCodes.InvalidWorkingDir, 14, 23, "path is outside of the root directory")]
    [InlineData("max_price: 0", DiagnosticCodes.InvalidPrice, 12, 13, "ensure this value is greater than 0")]
    [InlineData("max_price: -1.5", DiagnosticCodes.InvalidPrice, 12, 16, "found -1.5")]
    [InlineData("max_price: cheap", DiagnosticCodes.WrongType, 12, 17, "a number")]
    [InlineData("max_price: .inf", DiagnosticCodes.SuspiciousNumber, 12, 16, "not a finite number")]
    [InlineData("spot_policy: cheap", DiagnosticCodes.InvalidEnumValue, 14, 19, "is not one of spot, on-demand, auto")]
    [InlineData("spot_policy: ondemand", DiagnosticCodes.InvalidEnumValue, 14, 22, "did you mean `on-demand`?")]
    [InlineData("spot_policy: Spot", DiagnosticCodes.InvalidEnumValue, 14, 18, "did you mean `spot`?")]
    [InlineData("spot_policy: true", DiagnosticCodes.WrongType, 14, 18, "one of spot, on-demand, auto")]
    [InlineData("creation_policy: create", DiagnosticCodes.InvalidEnumValue, 18, 24, "reuse, reuse-or-create")]
    [InlineData("backends: [aws, awz]", DiagnosticCodes.InvalidEnumValue, 17, 20, "did you mean `aws`?")]
    [InlineData("backends: [aws, paperspace]", DiagnosticCodes.InvalidEnumValue, 17, 27, "`paperspace` is not one of aws, azure")]
    [InlineData("backends: aws", DiagnosticCodes.WrongType, 11, 14, "for one item write [aws]")]
    [InlineData("regions: us-east-1", DiagnosticCodes.WrongType, 10, 19, "a list")]
    [InlineData("privileged: maybe", DiagnosticCodes.WrongType, 13, 18, "true or false")]
    [InlineData("env: 5", DiagnosticCodes.WrongType, 6, 7, "a list of NAME=value items or a mapping")]
    [InlineData("foo: bar", DiagnosticCodes.UnknownProperty, 1, 4, "unknown property `foo` for `type: task`")]
    [InlineData("comands: [x]", DiagnosticCodes.UnknownProperty, 1, 8, "did you mean `commands`?")]
    [InlineData("imgae: ubuntu", DiagnosticCodes.UnknownProperty, 1, 6, "did you mean `image`?")]
    [InlineData("port: 8000", DiagnosticCodes.UnknownProperty, 1, 5, "it belongs to `type: service`")]
    [InlineData("ide: vscode", DiagnosticCodes.UnknownProperty, 1, 4, "it belongs to `type: dev-environment`")]
    [InlineData("replicas: 2", DiagnosticCodes.UnknownProperty, 1, 9, "`type: service`")]
    [InlineData("max_duration: 1h30m", DiagnosticCodes.InvalidDuration, 15, 20, "Cannot parse the duration 1h30m")]
    [InlineData("max_duration: 1.5h", DiagnosticCodes.InvalidDuration, 15, 19, "Cannot parse the duration 1.5h")]
    [InlineData("max_duration: 1H", DiagnosticCodes.InvalidDuration, 15, 17, "Cannot parse the duration 1H")]
    [InlineData("max_duration: 2 hours", DiagnosticCodes.InvalidDuration, 15, 22, "Cannot parse the duration 2 hours")]
    [InlineData("max_duration: -5", DiagnosticCodes.InvalidDuration, 15, 17, "negative duration")]
    [InlineData("max_duration: [1h]", DiagnosticCodes.WrongType, 15, 19, "a duration")]
    [InlineData("stop_duration: maybe", DiagnosticCodes.InvalidDuration, 16, 21, "Cannot parse the duration maybe")]
    [InlineData("stop_duration: 1m30s", DiagnosticCodes.InvalidDuration, 16, 21, "Cannot parse the duration 1m30s")]
    [InlineData("idle_duration: 5min", DiagnosticCodes.InvalidDuration, 16, 20, "Cannot parse the duration 5min")]
    [InlineData("retry: {on_events: []}", DiagnosticCodes.InvalidRetry, 20, 22, "`on_events` cannot be empty")]
    [InlineData("retry: {on_events: [oom]}", DiagnosticCodes.InvalidEnumValue, 21, 24, "`oom` is not one of no-capacity, interruption, error")]
    [InlineData("retry: {on_events: [no_capacity]}", DiagnosticCodes.InvalidEnumValue, 21, 32, "did you mean `no-capacity`?")]
    [InlineData("retry: {on_events: [error], duration: 1h30m}", DiagnosticCodes.InvalidDuration, 39, 44, "Cannot parse the duration 1h30m")]
    [InlineData("retry: {on_events: [error], duration: off}", DiagnosticCodes.InvalidDuration, 39, 42, "Cannot parse the duration off")]
    [InlineData("retry: {on_events: [error], limit: 3}", DiagnosticCodes.UnknownProperty, 29, 34, "unknown property `retry.limit`")]
    [InlineData("retry: 5", DiagnosticCodes.WrongType, 8, 9, "true, false, or {on_events")]
    [InlineData("utilization_policy: {min_gpu_utilization: 150, time_window: 10m}", DiagnosticCodes.InvalidRange, 43, 46, "150 is not a percentage")]
    [InlineData("utilization_policy: {min_gpu_utilization: 10, time_window: 1m}", DiagnosticCodes.InvalidDuration, 60, 62, "the window is at least 5m")]
    public void Task_InvalidProperty_IsReportedAtTheExactColumns(string line, string code, int column, int endColumn, string message)
    {
        var error = Error(Task + line + "\n", code, 3, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("retry: {duration: 1h}", "`on_events` is required")]
    [InlineData("registry_auth: {username: u}", "`password` is required")]
    [InlineData("registry_auth: {password: p}", "`username` is required")]
    [InlineData("utilization_policy: {time_window: 10m}", "`min_gpu_utilization` is required")]
    public void Task_MissingRequiredProperty_IsReportedAtTheMappingStart(string line, string message)
    {
        var error = Error(Task + line + "\n", DiagnosticCodes.MissingProperty, 3, line.IndexOf('{', StringComparison.Ordinal) + 1, line.IndexOf('{', StringComparison.Ordinal) + 1);

        Mentions(error, message);
    }

    [Fact]
    public void ImageAndPython_BothSet_IsAnErrorAtPythonNotACrash()
    {
        var document = Load("type: task\nimage: ubuntu:22.04\npython: \"3.11\"\ncommands: [a]\n");

        var error = Assert.Single(document.Diagnostics);
        Assert.Equal(DiagnosticCodes.ImageAndPython, error.Code);
        Assert.True(error.IsError);
        At(error, 3, 1, 3, 7);
        Mentions(error, "`image` and `python` are mutually exclusive fields");
        Assert.NotNull(document.Model);
    }

    [Theory]
    [InlineData("type: task\n", 1, 7, 11)]
    [InlineData("type: task\ncommands: []\n", 1, 7, 11)]
    [InlineData("type: service\nport: 8000\n", 1, 7, 14)]
    [InlineData("name: xy\ntype: task\n", 2, 7, 11)]
    public void NothingToRun_NoCommandsAndNoImage_IsAnErrorAtTheType(string yaml, int line, int column, int endColumn)
    {
        var error = Error(yaml, DiagnosticCodes.NothingToRun, line, column, endColumn);

        Mentions(error, "Either `commands` or `image` must be set");
    }

    [Theory]
    [InlineData("type: task\nimage: nginx\n")]
    [InlineData("type: service\nport: 80\nimage: nginx\n")]
    [InlineData("type: dev-environment\nide: vscode\n")]
    public void NothingToRun_ImageOrDevEnvironment_IsValid(string yaml)
    {
        Clean(yaml);
    }

    [Theory]
    [InlineData("python: 3.10", "3.10")]
    [InlineData("python: 3.1", "3.10")]
    [InlineData("python: '3.10'", "3.10")]
    [InlineData("python: 3.9", "3.9")]
    [InlineData("python: 3.11", "3.11")]
    [InlineData("python: \"3.12\"", "3.12")]
    [InlineData("python: 3.13", "3.13")]
    public void Python_SupportedVersion_IsKeptAsText(string line, string expected)
    {
        var document = Clean(Task + line + "\n");

        Assert.Equal(expected, document.RunConfiguration!.Python);
    }

    [Theory]
    [InlineData("name: train-llama")]
    [InlineData("name: a1")]
    [InlineData("name: x---------------------------------------1")]
    [InlineData("user: ubuntu")]
    [InlineData("user: 1000:1000")]
    [InlineData("user: root:root")]
    [InlineData("user: '0'")]
    [InlineData("working_dir: src/app")]
    [InlineData("working_dir: ./a/../b")]
    [InlineData("working_dir: .")]
    [InlineData("nodes: 1")]
    [InlineData("nodes: 4")]
    [InlineData("max_price: 1.5")]
    [InlineData("max_price: 2")]
    [InlineData("spot_policy: spot")]
    [InlineData("spot_policy: on-demand")]
    [InlineData("spot_policy: auto")]
    [InlineData("creation_policy: reuse")]
    [InlineData("creation_policy: reuse-or-create")]
    [InlineData("backends: [aws, azure, cudo, datacrunch, dstack, gcp, kubernetes, lambda, local, remote, nebius, oci, runpod, tensordock, vastai, vultr]")]
    [InlineData("regions: [us-east-1, eu-west-1]")]
    [InlineData("availability_zones: [us-east-1a]")]
    [InlineData("instance_types: [p4d.24xlarge]")]
    [InlineData("reservation: cr-123")]
    [InlineData("privileged: true")]
    [InlineData("privileged: yes")]
    [InlineData("entrypoint: /bin/sh -c")]
    [InlineData("single_branch: false")]
    [InlineData("nvcc: true")]
    [InlineData("image: nvcr.io/nvidia/pytorch:24.05-py3")]
    [InlineData("retry: true")]
    [InlineData("retry: false")]
    [InlineData("retry: {on_events: [no-capacity, interruption, error], duration: 2h}")]
    [InlineData("retry: {on_events: [error]}")]
    [InlineData("utilization_policy: {min_gpu_utilization: 10, time_window: 30m}")]
    [InlineData("max_duration: off")]
    [InlineData("max_duration: 72h")]
    [InlineData("stop_duration: off")]
    [InlineData("idle_duration: false")]
    [InlineData("idle_duration: 1h")]
    [InlineData("registry_auth:\n  username: ${{ env.USER }}\n  password: ${{ secrets.TOKEN }}\nenv: [USER]")]
    public void Task_ValidProperty_HasNoDiagnostics(string line)
    {
        Clean(Task + line + "\n");
    }

    [Theory]
    [InlineData("max_duration: 90", "90")]
    [InlineData("max_duration: '90'", "90")]
    [InlineData("max_duration: 90s", "90")]
    [InlineData("max_duration: 30m", "1800")]
    [InlineData("max_duration: 30 m", "1800")]
    [InlineData("max_duration: 2h", "7200")]
    [InlineData("max_duration: 1d", "86400")]
    [InlineData("max_duration: 1w", "604800")]
    [InlineData("max_duration: 0", "0")]
    [InlineData("max_duration: off", "\"off\"")]
    [InlineData("max_duration: false", "\"off\"")]
    [InlineData("max_duration: true", "null")]
    [InlineData("stop_duration: 5m", "300")]
    [InlineData("stop_duration: off", "\"off\"")]
    [InlineData("idle_duration: false", "\"off\"")]
    [InlineData("idle_duration: 3d", "259200")]
    public void Duration_ValidForm_IsSecondsOrOff(string line, string expectedJson)
    {
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];

        var json = JsonOf(Clean(Task + line + "\n"));

        Assert.Equal(expectedJson, json.GetProperty(key).GetRawText());
    }

    [Theory]
    [InlineData("retry: true", "{\"on_events\":[\"no-capacity\",\"interruption\",\"error\"],\"duration\":3600}")]
    [InlineData("retry: false", "false")]
    [InlineData("retry: {on_events: [no-capacity]}", "{\"on_events\":[\"no-capacity\"],\"duration\":3600}")]
    [InlineData("retry: {on_events: [interruption, error], duration: 2h}", "{\"on_events\":[\"interruption\",\"error\"],\"duration\":7200}")]
    public void Retry_ValidForm_IsNormalized(string line, string expectedJson)
    {
        var json = JsonOf(Clean(Task + line + "\n"));

        Assert.Equal(expectedJson, json.GetProperty("retry").GetRawText());
    }

    [Fact]
    public void RetryPolicy_LegacyForm_IsReadWithADeprecationWarning()
    {
        var warning = Warning(Task + "retry_policy: {retry: true, duration: 1h}\n", DiagnosticCodes.DeprecatedProperty, 3, 1, 13);

        Mentions(warning, "`retry_policy` is deprecated", "it still works", "write `retry:");
        var policy = Load(Task + "retry_policy: {retry: true, duration: 1h}\n").RunConfiguration!.RetryPolicy;
        Assert.Equal(new RetryPolicy { Retry = true, Duration = new Duration(3600) }, policy);
    }

    [Fact]
    public void RetryPolicy_WithRetry_IsIgnoredWithAWarning()
    {
        var document = Valid(Task + "retry: true\nretry_policy: {retry: false}\n");

        Assert.Contains(document.Diagnostics, d => d.Code == DiagnosticCodes.DeprecatedProperty && d.Message.Contains("is ignored because `retry` is set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("setup: [pip install x]", 1, 6, "`setup` is deprecated")]
    [InlineData("home_dir: /root", 1, 9, "`home_dir` is deprecated")]
    [InlineData("pool_name: p", 1, 10, "fleets replaced pools")]
    [InlineData("termination_policy: destroy-after-idle", 1, 19, "use `idle_duration`")]
    public void DeprecatedProperty_IsAWarningAtTheKey(string line, int column, int endColumn, string message)
    {
        var warning = Warning(Task + line + "\n", DiagnosticCodes.DeprecatedProperty, 3, column, endColumn);

        Mentions(warning, message);
    }

    // registry_auth.password is on line 5 (line 6 with an env line): "  password: VALUE", value at column 13.
    [Theory]
    [InlineData("${{ env.PASS }}", "env: [USER]\n", DiagnosticCodes.UnknownReference, 13, 28, "Failed to interpolate due to missing vars: ['env.PASS']")]
    [InlineData("${{ env.USR }}", "env: [USER]\n", DiagnosticCodes.UnknownReference, 13, 27, "did you mean `env.USER`?")]
    [InlineData("${{ envs.USER }}", "env: [USER]\n", DiagnosticCodes.UnknownReference, 13, 29, "Failed to interpolate due to missing vars: ['envs.USER']")]
    [InlineData("${{ env.PASS }}", "", DiagnosticCodes.UnknownReference, 13, 28, "Failed to interpolate due to missing vars: ['env.PASS']")]
    [InlineData("${{ PASS }}", "", DiagnosticCodes.InvalidInterpolation, 13, 24, "Illegal reference name: PASS")]
    [InlineData("${{ env.PASS", "", DiagnosticCodes.InvalidInterpolation, 13, 25, "No pattern closing: ${{ env.PASS")]
    [InlineData("p-${{ env.PASS }}-x", "", DiagnosticCodes.UnknownReference, 15, 30, "['env.PASS']")]
    public void RegistryAuth_BadReference_PointsAtTheReference(string password, string env, string code, int column, int endColumn, string message)
    {
        var yaml = Task + env + "registry_auth:\n  username: user\n  password: " + password + "\n";

        var error = Error(yaml, code, env.Length == 0 ? 5 : 6, column, endColumn);

        Mentions(error, "registry_auth.password", message);
    }

    [Theory]
    [InlineData("env:\n  - PASS=x\n")]
    [InlineData("env:\n  PASS:\n")]
    [InlineData("env:\n  PASS: null\n")]
    [InlineData("env:\n  PASS: secret\n")]
    public void RegistryAuth_EnvReferenceToAnEnvEntry_IsValid(string env)
    {
        var document = Clean(Task + env + "registry_auth:\n  username: $${{ literal }}\n  password: ${{ env.PASS }}\n");

        Assert.Equal("${{ env.PASS }}", document.RunConfiguration!.RegistryAuth!.Password);
    }

    [Fact]
    public void RegistryAuth_LiteralPassword_IsMaskedInJson()
    {
        var document = Load(Task + "registry_auth:\n  username: user\n  password: hunter2\n");
        var warning = Assert.Single(document.Diagnostics);
        Assert.Equal((DiagnosticCodes.InvalidRegistryAuth, DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.DoesNotContain("hunter2", warning.Message, StringComparison.Ordinal);
        var json = JsonOf(document);

        Assert.Equal("{\"username\":\"user\",\"password\":\"********\"}", json.GetProperty("registry_auth").GetRawText());
    }

    [Theory]
    [InlineData("commands:\n  - python train.py ${{ run.argz }}\n", DiagnosticCodes.UnknownReference, 21, 36, "Failed to interpolate due to missing vars: ['run.argz']")]
    [InlineData("commands:\n  - python train.py ${{ run.argz }}\n", DiagnosticCodes.UnknownReference, 21, 36, "did you mean `run.args`?")]
    [InlineData("commands:\n  - echo ${{ env.HOME }}\n", DiagnosticCodes.UnknownReference, 10, 25, "Failed to interpolate due to missing vars: ['env.HOME']")]
    [InlineData("commands:\n  - echo ${{ foo }}\n", DiagnosticCodes.InvalidInterpolation, 10, 20, "Illegal reference name: foo")]
    [InlineData("commands:\n  - echo ${{ 1a.b }}\n", DiagnosticCodes.InvalidInterpolation, 10, 21, "Illegal reference name: 1a.b")]
    [InlineData("commands:\n  - echo ${{ run-x.args }}\n", DiagnosticCodes.InvalidInterpolation, 10, 27, "Illegal reference name: run-x.args")]
    [InlineData("commands:\n  - echo ${{ run.args\n", DiagnosticCodes.InvalidInterpolation, 10, 22, "No pattern closing: ${{ run.args")]
    [InlineData("commands:\n  - echo ok\n  - echo ${{ run.x }}\n", DiagnosticCodes.UnknownReference, 10, 22, "commands[1]")]
    [InlineData("commands:\n  - \"echo ${{ run.x }}\"\n", DiagnosticCodes.UnknownReference, 11, 23, "['run.x']")]
    public void Commands_BadReference_PointsAtTheReference(string commands, string code, int column, int endColumn, string message)
    {
        var yaml = "type: task\n" + commands;
        var line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("${{", StringComparison.Ordinal)) + 1;

        var error = Error(yaml, code, line, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("python train.py ${{ run.args }}")]
    [InlineData("python train.py ${{run.args}}")]
    [InlineData("echo $${{ x.y }}")]
    [InlineData("echo ${{ secrets.TOKEN }}")]
    [InlineData("echo ${HOME} $HOME $$")]
    [InlineData("echo $")]
    [InlineData("echo {{ not.a.ref }}")]
    public void Commands_ValidReferenceOrPlainDollar_HasNoDiagnostics(string command)
    {
        Clean("type: task\ncommands:\n  - '" + command + "'\n");
    }

    [Fact]
    public void Setup_BadReference_IsReported()
    {
        var document = Load(Task + "setup:\n  - echo ${{ run.nope }}\n");

        var error = Single(document, DiagnosticCodes.UnknownReference);
        Assert.Equal(4, error.Span.StartLine);
        Mentions(error, "setup[0]");
    }

    [Fact]
    public void Task_MinimalFile_HasDstackDefaults()
    {
        var task = Assert.IsType<TaskConfiguration>(Clean("type: task\ncommands: [a]\n").Model);

        Assert.Equal(1, task.Nodes);
        Assert.Equal("2..xCPU, 8GB.., 100GB.. (disk)", task.Resources.ToString());
        Assert.Empty(task.Env);
        Assert.Empty(task.Ports);
        Assert.Empty(task.Volumes);
        Assert.Null(task.SpotPolicy);
        Assert.Null(task.Name);
    }

    [Theory]
    [InlineData("working_dir: /workflow/src")]
    [InlineData("shell: bash")]
    [InlineData("shell: /usr/bin/zsh")]
    [InlineData("priority: 100")]
    [InlineData("files:\n  - ./configs:/workflow/configs\n  - ./scripts\n  - {local_path: data, path: /data}")]
    public void Dstack019Properties_AreAccepted(string lines) => Clean(Task + lines + "\n");

    [Theory]
    [InlineData("shell: fish", DiagnosticCodes.InvalidShell, 8, 12)]
    [InlineData("priority: 101", DiagnosticCodes.InvalidPriority, 11, 14)]
    [InlineData("files:\n  - \":/x\"", DiagnosticCodes.InvalidFiles, 5, 10)]
    public void Dstack019Properties_InvalidValues_AreErrors(string lines, string code, int column, int endColumn)
    {
        var line = Task.Split('\n').Length + lines.Split('\n').Length - 1;
        Error(Task + lines + "\n", code, line, column, endColumn);
    }

    [Fact]
    public void Commands_WrongType_DoesNotAlsoReportNothingToRun()
    {
        var document = Load("type: task\ncommands: python train.py\n");

        var error = Assert.Single(document.Diagnostics);
        Assert.Equal(DiagnosticCodes.WrongType, error.Code);
    }

    private static JsonElement JsonOf(Dstack.Runtime.Configuration.ConfigurationDocument document) =>
        JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false)).RootElement.Clone();
}
