namespace Dstack.Runtime.Configuration.Model;

/// <summary>A volume mounted into the job: a network volume by name, or a folder of the instance.</summary>
public abstract record VolumeMount(string Path);
