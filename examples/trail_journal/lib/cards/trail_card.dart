import 'package:flutter/material.dart';

import '../models/trail.dart';
import '../theme/insets.dart';

/// Base card for everything shown in the trail lists: a tappable Card with
/// a leading icon, a title block and a body supplied by subclasses.
abstract class TrailCard extends StatelessWidget {
  const TrailCard({super.key, this.onTap});

  final VoidCallback? onTap;

  IconData get leadingIcon;

  String get title;

  Widget buildBody(BuildContext context);

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Card(
      child: InkWell(
        onTap: onTap,
        child: Padding(
          padding: Insets.card,
          child: Row(
            crossAxisAlignment: CrossAxisAlignment.start,
            children: [
              Icon(leadingIcon, size: 32),
              const SizedBox(width: 12),
              Expanded(
                child: Column(
                  crossAxisAlignment: CrossAxisAlignment.start,
                  children: [
                    Text(title, style: textTheme.titleMedium),
                    const SizedBox(height: 8),
                    buildBody(context),
                  ],
                ),
              ),
            ],
          ),
        ),
      ),
    );
  }
}

/// Shows a trail's region, length and elevation gain in one compact card.
class TrailSummaryCard extends TrailCard {
  const TrailSummaryCard({super.key, super.onTap, required this.trail});

  final Trail trail;

  @override
  IconData get leadingIcon => Icons.terrain;

  @override
  String get title => trail.name;

  @override
  Widget buildBody(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Column(
      crossAxisAlignment: CrossAxisAlignment.start,
      children: [
        Text(trail.region, style: textTheme.bodySmall),
        const SizedBox(height: 8),
        Text(
          '${trail.lengthKm.toStringAsFixed(1)} km · ${trail.elevationGainM} m gain',
          style: textTheme.bodyMedium,
        ),
      ],
    );
  }
}

class FavoriteTrailCard extends TrailSummaryCard {
  const FavoriteTrailCard({super.key, super.onTap, required super.trail});

  @override
  IconData get leadingIcon => Icons.favorite;

  @override
  Widget buildBody(BuildContext context) {
    return Row(
      children: [
        Expanded(child: super.buildBody(context)),
        const Icon(Icons.star, color: Colors.amber),
      ],
    );
  }
}
