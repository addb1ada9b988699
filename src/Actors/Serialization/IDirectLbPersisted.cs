namespace DirectLB.Actors.Serialization;

/// <summary>Marks everything DirectLB writes to the journal or a snapshot; bound to <see cref="DirectLbSerializer"/>.</summary>
public interface IDirectLbPersisted;
