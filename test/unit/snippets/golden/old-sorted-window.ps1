# Old Server Fire Hydrants: rows from the OKC open data portal (PowerShell, Invoke-RestMethod).
$Url = 'https://gis.example.invalid/arcgis/rest/services/Utilities/Hydrants/FeatureServer/0/query'
# This layer's server (ArcGIS Server 10.x) cannot page with resultOffset: ask for the id
# of every matching row, then fetch the rows in batches of ids.
$Params = [ordered]@{
    'f' = 'json'
    'where' = '1=1'
    'returnIdsOnly' = 'true'
}
$BatchParams = [ordered]@{
    'f' = 'json'
    'outFields' = 'objectid,status,installdate'
    'orderByFields' = 'objectid ASC'
    'returnGeometry' = 'false'
    'outSR' = '4326'
}
$Token = [Environment]::GetEnvironmentVariable('OKC_PORTAL_TOKEN')
if ($Token) { $Params['token'] = $Token; $BatchParams['token'] = $Token }

$Answer = Invoke-RestMethod -Uri $Url -Method Get -Body $Params
# ArcGIS reports query errors with HTTP 200 and an "error" object.
if ($Answer.error) { throw $Answer.error.message }
$Ids = @($Answer.objectIds | Sort-Object)
$Oid = 'objectid'
$BatchSize = 1000
$Rows = [System.Collections.Generic.List[object]]::new()
for ($Start = 0; $Start -lt $Ids.Count; $Start += $BatchSize) {
    $Batch = @($Ids[$Start..([Math]::Min($Ids.Count, $Start + $BatchSize) - 1)])
    $Body = @{}
    foreach ($Key in $BatchParams.Keys) { $Body[$Key] = $BatchParams[$Key] }
    $Body['objectIds'] = $Batch -join ','
    $Page = Invoke-RestMethod -Uri $Url -Method Post -Body $Body
    if ($Page.error) { throw $Page.error.message }
    $ById = @{}
    foreach ($Feature in @($Page.features)) { $ById[[string]$Feature.attributes.$Oid] = $Feature }
    foreach ($Id in $Batch) { if ($ById.ContainsKey([string]$Id)) { $Rows.Add($ById[[string]$Id]) } }
}
# Sorted here (empty values first), as the server cannot sort while paging by id.
$Rows = @($Rows | Sort-Object -Property @{ Expression = { $null -ne $_.attributes.('status') }; Descending = $false }, @{ Expression = { $_.attributes.('status') }; Descending = $false }, @{ Expression = { $null -ne $_.attributes.('installdate') }; Descending = $true }, @{ Expression = { $_.attributes.('installdate') }; Descending = $true }, @{ Expression = { $_.attributes.$Oid } })
$Rows = @($Rows | Select-Object -Skip 10 -First 1500)
