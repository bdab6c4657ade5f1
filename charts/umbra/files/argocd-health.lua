-- Argo CD health check for umbra.dev/SchemaMigration (resource.customizations.health.umbra.dev_SchemaMigration).
-- Healthy when Done; Degraded when Failed, Aborted or Reverted (the change is not in effect); Suspended while it waits for a person (the plan's or the cut-over's
-- approval, or paused); Progressing otherwise, and while the operator has not yet seen the latest spec.
hs = {status = "Progressing", message = "Waiting for the operator"}
if obj.status == nil or obj.status.phase == nil then
  return hs
end
hs.message = obj.status.message or obj.status.phase
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration ~= obj.metadata.generation then
  hs.message = "The operator has not seen the latest change yet"
  return hs
end
local stalled = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Stalled" and condition.status == "True" then
      stalled = condition
    end
  end
end
if obj.status.phase == "Done" then
  hs.status = "Healthy"
elseif obj.status.phase == "Failed" or obj.status.phase == "Aborted" or obj.status.phase == "Reverted" then
  hs.status = "Degraded"
elseif stalled ~= nil then
  hs.status = "Suspended"
  hs.message = stalled.reason .. ": " .. (stalled.message or "")
end
return hs
