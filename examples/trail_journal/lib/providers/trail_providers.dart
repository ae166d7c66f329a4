import 'package:flutter_riverpod/flutter_riverpod.dart';

import '../models/hike.dart';
import '../models/peak.dart';
import '../models/trail.dart';

final trailsProvider = StateProvider<List<Trail>>((ref) {
  return const [
    Trail(
      id: 'kb-ridge',
      name: 'Kestrel Bay Ridge',
      region: 'North Cascades',
      lengthKm: 12.4,
      elevationGainM: 860,
      difficulty: Difficulty.moderate,
    ),
    Trail(
      id: 'lone-pine',
      name: 'Lone Pine Loop',
      region: 'Sierra Nevada',
      lengthKm: 6.1,
      elevationGainM: 240,
      difficulty: Difficulty.easy,
    ),
  ];
});

final hikesProvider = StateProvider<List<Hike>>((ref) => const []);

final peaksProvider = Provider<List<Peak>>((ref) {
  return const [
    Peak(name: 'Mount Shuksan', heightM: 2783, range: 'North Cascades'),
    Peak(name: 'Mount Whitney', heightM: 4421, range: 'Sierra Nevada'),
  ];
});

final searchQueryProvider = StateProvider<String>((ref) => '');

final unitsMetricProvider = StateProvider<bool>((ref) => true);

final filteredTrailsProvider = Provider<List<Trail>>((ref) {
  final query = ref.watch(searchQueryProvider).toLowerCase();
  final trails = ref.watch(trailsProvider);
  if (query.isEmpty) {
    return trails;
  }
  return trails
      .where((trail) => trail.name.toLowerCase().contains(query))
      .toList();
});
