import 'package:flutter/material.dart';
import 'package:flutter_riverpod/flutter_riverpod.dart';

import '../cards/trail_card.dart';
import '../layout/section_header.dart';
import '../models/trail.dart';
import '../providers/trail_providers.dart';
import '../theme/insets.dart';
import 'trail_detail_screen.dart';

/// Searchable list of every trail; the search box filters as you type and
/// favourites get their own card style.
class TrailListScreen extends ConsumerStatefulWidget {
  const TrailListScreen({super.key});

  @override
  ConsumerState<TrailListScreen> createState() => _TrailListScreenState();
}

class _TrailListScreenState extends ConsumerState<TrailListScreen> {
  final _searchController = TextEditingController();

  @override
  void dispose() {
    _searchController.dispose();
    super.dispose();
  }

  @override
  Widget build(BuildContext context) {
    final trails = ref.watch(filteredTrailsProvider);
    return Scaffold(
      appBar: AppBar(title: const Text('All trails')),
      body: Column(
        children: [
          _buildSearchField(),
          Expanded(
            child: trails.isEmpty
                ? buildEmptyState(
                    context,
                    icon: Icons.search_off,
                    message: 'No trail matches your search.',
                  )
                : ListView.builder(
                    itemCount: trails.length,
                    itemBuilder: (context, index) =>
                        _buildTrailCard(trails[index]),
                  ),
          ),
        ],
      ),
    );
  }

  Widget _buildSearchField() {
    return Padding(
      padding: Insets.md,
      child: TextField(
        controller: _searchController,
        decoration: const InputDecoration(
          prefixIcon: Icon(Icons.search),
          hintText: 'Search trails',
          border: OutlineInputBorder(),
        ),
        onChanged: (value) =>
            ref.read(searchQueryProvider.notifier).state = value,
      ),
    );
  }

  Widget _buildTrailCard(Trail trail) {
    void openDetail() {
      Navigator.of(context).push(
        MaterialPageRoute<void>(
          builder: (_) => TrailDetailScreen(trail: trail),
        ),
      );
    }

    if (trail.isFavorite) {
      return FavoriteTrailCard(trail: trail, onTap: openDetail);
    }
    return TrailSummaryCard(trail: trail, onTap: openDetail);
  }
}
