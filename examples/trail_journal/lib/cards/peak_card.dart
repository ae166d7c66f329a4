import 'package:flutter/material.dart';

import '../models/peak.dart';
import '../theme/app_theme.dart';
import 'trail_card.dart';

/// A card for a single peak: height and mountain range under the name.
class PeakCard extends TrailCard {
  const PeakCard({super.key, super.onTap, required this.peak});

  final Peak peak;

  @override
  IconData get leadingIcon => Icons.landscape;

  @override
  String get title => peak.name;

  @override
  Widget buildBody(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Wrap(
      spacing: 8,
      runSpacing: 4,
      children: [
        Chip(label: Text('${peak.heightM} m')),
        Text(peak.range, style: textTheme.bodySmall),
      ],
    );
  }
}

class SummitCard extends PeakCard {
  const SummitCard({super.key, super.onTap, required super.peak});

  @override
  IconData get leadingIcon => Icons.flag;

  @override
  Widget buildBody(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    final summitedOn = peak.summitedOn;
    return Column(
      crossAxisAlignment: CrossAxisAlignment.start,
      children: [
        super.buildBody(context),
        const SizedBox(height: 8),
        if (summitedOn != null)
          Text(
            'Summited ${summitedOn.day}.${summitedOn.month}.${summitedOn.year}',
            style: textTheme.labelMedium?.copyWith(color: summitOrange),
          ),
      ],
    );
  }
}
