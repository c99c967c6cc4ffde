-- The NHS England regions and integrated care systems (shared/data/nhs-areas.csv), plus a region
-- for services that NHS England does not fund. Services and teams hang below an ICS.

CREATE TABLE region (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  nhs_england_funded boolean NOT NULL DEFAULT true
);

CREATE TABLE ics (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region_id integer NOT NULL REFERENCES region (id),
  name text NOT NULL UNIQUE
);
CREATE INDEX ics_region ON ics (region_id);

INSERT INTO region (name) VALUES
  ('North East and Yorkshire'),
  ('North West'),
  ('Midlands'),
  ('East of England'),
  ('London'),
  ('South East'),
  ('South West');
INSERT INTO region (name, nhs_england_funded) VALUES ('Other (not NHS England funded)', false);

INSERT INTO ics (region_id, name)
SELECT region.id, area.ics FROM (VALUES
  ('North East and Yorkshire', 'NHS Humber and North Yorkshire ICB'),
  ('North East and Yorkshire', 'NHS North East and North Cumbria ICB'),
  ('North East and Yorkshire', 'NHS South Yorkshire ICB'),
  ('North East and Yorkshire', 'NHS West Yorkshire ICB'),
  ('North West', 'NHS Cheshire and Merseyside ICB'),
  ('North West', 'NHS Greater Manchester ICB'),
  ('North West', 'NHS Lancashire and South Cumbria ICB'),
  ('Midlands', 'NHS Birmingham and Solihull ICB'),
  ('Midlands', 'NHS Black Country ICB'),
  ('Midlands', 'NHS Coventry and Warwickshire ICB'),
  ('Midlands', 'NHS Derby and Derbyshire ICB'),
  ('Midlands', 'NHS Herefordshire and Worcestershire ICB'),
  ('Midlands', 'NHS Leicester, Leicestershire and Rutland ICB'),
  ('Midlands', 'NHS Lincolnshire ICB'),
  ('Midlands', 'NHS Northamptonshire ICB'),
  ('Midlands', 'NHS Nottingham and Nottinghamshire ICB'),
  ('Midlands', 'NHS Shropshire, Telford and Wrekin ICB'),
  ('Midlands', 'NHS Staffordshire and Stoke-on-Trent ICB'),
  ('East of England', 'NHS Bedfordshire, Luton and Milton Keynes ICB'),
  ('East of England', 'NHS Cambridgeshire and Peterborough ICB'),
  ('East of England', 'NHS Hertfordshire and West Essex ICB'),
  ('East of England', 'NHS Mid and South Essex ICB'),
  ('East of England', 'NHS Norfolk and Waveney ICB'),
  ('East of England', 'NHS Suffolk and North East Essex ICB'),
  ('London', 'NHS North Central London ICB'),
  ('London', 'NHS North East London ICB'),
  ('London', 'NHS North West London ICB'),
  ('London', 'NHS South East London ICB'),
  ('London', 'NHS South West London ICB'),
  ('South East', 'NHS Buckinghamshire, Oxfordshire and Berkshire West ICB'),
  ('South East', 'NHS Frimley ICB'),
  ('South East', 'NHS Hampshire and Isle of Wight ICB'),
  ('South East', 'NHS Kent and Medway ICB'),
  ('South East', 'NHS Surrey Heartlands ICB'),
  ('South East', 'NHS Sussex ICB'),
  ('South West', 'NHS Bath and North East Somerset, Swindon and Wiltshire ICB'),
  ('South West', 'NHS Bristol, North Somerset and South Gloucestershire ICB'),
  ('South West', 'NHS Cornwall and the Isles of Scilly ICB'),
  ('South West', 'NHS Devon ICB'),
  ('South West', 'NHS Dorset ICB'),
  ('South West', 'NHS Gloucestershire ICB'),
  ('South West', 'NHS Somerset ICB')
) AS area (region, ics) JOIN region ON region.name = area.region;
